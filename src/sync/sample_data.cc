#include "sync/sample_data.h"

#include <array>

#include "core/temporal.h"

namespace icesync::sync {

namespace {

// splitmix64: tiny, fast, and the same sequence on every platform.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  int64_t Uniform(int64_t lo, int64_t hi) {  // inclusive
    return lo + static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool Chance(int percent) { return static_cast<int>(Next() % 100) < percent; }

 private:
  uint64_t s_;
};

constexpr std::array kFirstNames = {"Zoë",    "José",   "Åsa",     "Łukasz", "Chloé",  "Søren",  "Nguyễn",
                                    "Mehmet", "Aoife",  "Björn",   "Ana",    "Đorđe",  "Yuki",   "Olivia",
                                    "Noah",   "François", "Ilse",  "Rāhul",  "María",  "Ömer"};
constexpr std::array kLastNames = {"Müller", "Álvarez", "Ødegård", "Kowalski", "Dubois",  "Ó Briain", "田中",
                                   "Smith",  "Nováková", "Łęcki",  "Öztürk",   "Johansson", "Gómez", "Иванова",
                                   "Rossi",  "Fernández", "李",    "Patel",    "Nakamura", "Weiß"};
constexpr std::array kCountries = {"DE", "ES", "SE", "PL", "FR", "DK", "VN", "TR", "IE", "IS", "JP", "US", "GB", "IN"};
constexpr std::array kStatuses = {"placed", "paid", "shipped", "delivered", "returned", "cancelled"};
constexpr std::array kNotes = {"Leave at the door 🚪", "Gift wrap, please", "Entrega rápida", "Bitte klingeln",
                               "配達前に電話してください"};

const int32_t kFirstDay = static_cast<int32_t>(DaysFromCivil(2022, 1, 1));
const int32_t kLastDay = static_cast<int32_t>(DaysFromCivil(2025, 12, 31));
constexpr int64_t kMicrosPerDay = 86'400'000'000LL;

int64_t NumCustomers(const SampleSpec& spec) { return std::max<int64_t>(10, spec.orders / 20); }

std::shared_ptr<const Schema> CustomersSchema() {
  return std::make_shared<Schema>(
      std::vector<Field>{
          {1, "customer_id", DataType::Int64(), true},
          {2, "name", DataType::String(), true},
          {3, "email", DataType::String(), false},
          {4, "country", DataType::String(), true},
          {5, "credit_limit", DataType::Decimal(12, 2), false},
          {6, "signup_date", DataType::Date(), true},
          {7, "created_at", DataType::Timestamp(), true},
      },
      0, std::vector<int>{1});
}

std::shared_ptr<const Schema> OrdersSchema() {
  return std::make_shared<Schema>(
      std::vector<Field>{
          {1, "customer_id", DataType::Int64(), true},
          {2, "order_no", DataType::Int32(), true},
          {3, "order_date", DataType::Date(), true},
          {4, "ordered_at", DataType::Timestamp(), true},
          {5, "status", DataType::String(), true},
          {6, "quantity", DataType::Int32(), true},
          {7, "amount", DataType::Decimal(12, 2), true},
          {8, "discount", DataType::Decimal(5, 4), false},
          {9, "note", DataType::String(), false},
      },
      0, std::vector<int>{1, 2});
}

void AppendCustomer(RecordBatch& b, Rng& rng, int64_t id) {
  const std::string first = kFirstNames[rng.Next() % kFirstNames.size()];
  const std::string last = kLastNames[rng.Next() % kLastNames.size()];
  b.column(0).Append<int64_t>(id);
  b.column(1).AppendBytes(first + " " + last);
  if (rng.Chance(15)) {
    b.column(2).AppendNull();
  } else {
    b.column(2).AppendBytes("customer" + std::to_string(id) + "@example.com");
  }
  b.column(3).AppendBytes(kCountries[rng.Next() % kCountries.size()]);
  if (rng.Chance(10)) {
    b.column(4).AppendNull();
  } else {
    b.column(4).Append<Int128>(static_cast<Int128>(rng.Uniform(500, 5'000'000)));  // 5.00 .. 50000.00
  }
  const int32_t signup = static_cast<int32_t>(rng.Uniform(kFirstDay - 1500, kFirstDay));
  b.column(5).Append<int32_t>(signup);
  b.column(6).Append<int64_t>(signup * kMicrosPerDay + rng.Uniform(0, kMicrosPerDay - 1));
}

// Orders spread over customers round-robin so that (customer_id, order_no) is unique.
void AppendOrder(RecordBatch& b, Rng& rng, int64_t index, int64_t customers) {
  const int64_t customer_id = 1 + index % customers;
  const int32_t order_no = static_cast<int32_t>(1 + index / customers);
  const int32_t day = static_cast<int32_t>(rng.Uniform(kFirstDay, kLastDay));
  const int32_t quantity = static_cast<int32_t>(rng.Uniform(1, 12));
  b.column(0).Append<int64_t>(customer_id);
  b.column(1).Append<int32_t>(order_no);
  b.column(2).Append<int32_t>(day);
  // Whole microseconds within the day, including sub-second digits.
  b.column(3).Append<int64_t>(day * kMicrosPerDay + rng.Uniform(0, kMicrosPerDay - 1));
  b.column(4).AppendBytes(kStatuses[rng.Next() % kStatuses.size()]);
  b.column(5).Append<int32_t>(quantity);
  b.column(6).Append<Int128>(static_cast<Int128>(quantity * rng.Uniform(99, 49'999)));  // cents
  if (rng.Chance(70)) {
    b.column(7).AppendNull();
  } else {
    b.column(7).Append<Int128>(static_cast<Int128>(rng.Uniform(1, 30) * 50));  // 0.0050 .. 0.1500
  }
  if (rng.Chance(90)) {
    b.column(8).AppendNull();
  } else {
    b.column(8).AppendBytes(kNotes[rng.Next() % kNotes.size()]);
  }
}

}  // namespace

std::vector<SampleTable> SampleTables(const SampleSpec& spec) {
  return {
      SampleTable{"customers",
                  "CREATE TABLE customers (\n"
                  "  customer_id  INTEGER NOT NULL PRIMARY KEY,\n"
                  "  name         VARCHAR(100) NOT NULL,\n"
                  "  email        VARCHAR(200),\n"
                  "  country      CHAR(2) NOT NULL,\n"
                  "  credit_limit DECIMAL(12,2),\n"
                  "  signup_date  DATE NOT NULL,\n"
                  "  created_at   TIMESTAMP NOT NULL\n"
                  ")",
                  CustomersSchema(), NumCustomers(spec)},
      SampleTable{"orders",
                  "CREATE TABLE orders (\n"
                  "  customer_id  INTEGER NOT NULL REFERENCES customers(customer_id),\n"
                  "  order_no     INT NOT NULL,\n"
                  "  order_date   DATE NOT NULL,\n"
                  "  ordered_at   TIMESTAMP NOT NULL,\n"
                  "  status       VARCHAR(20) NOT NULL,\n"
                  "  quantity     SMALLINT NOT NULL,\n"
                  "  amount       DECIMAL(12,2) NOT NULL,\n"
                  "  discount     DECIMAL(5,4),\n"
                  "  note         VARCHAR(200),\n"
                  "  PRIMARY KEY (customer_id, order_no)\n"
                  ")",
                  OrdersSchema(), spec.orders},
  };
}

Status GenerateSampleRows(const SampleSpec& spec, const SampleTable& table, int64_t batch_rows,
                          const std::function<Status(const RecordBatch&)>& sink) {
  const bool customers = table.name == "customers";
  if (!customers && table.name != "orders") return InvalidArgument("no sample table '{}'", table.name);
  // Separate streams per table: the customers' rows do not depend on the order count.
  Rng rng(spec.seed ^ (customers ? 0x1111 : 0x2222));
  const int64_t num_customers = NumCustomers(spec);
  RecordBatch batch(table.schema);
  for (int64_t done = 0; done < table.rows;) {
    batch.Clear();
    const int64_t n = std::min(batch_rows, table.rows - done);
    batch.Reserve(n);
    for (int64_t i = 0; i < n; ++i) {
      if (customers) {
        AppendCustomer(batch, rng, done + i + 1);
      } else {
        AppendOrder(batch, rng, done + i, num_customers);
      }
    }
    done += n;
    RETURN_IF_ERROR(sink(batch));
  }
  return Status::OK();
}

}  // namespace icesync::sync
