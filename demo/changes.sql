-- What happens in the shop between two syncs (icesync demo applies these to demo-source.db).
-- New customer, with a name that is not ASCII.
INSERT INTO customers (customer_id, name, email, country, credit_limit, signup_date, created_at)
  VALUES (9000001, 'Zoë Ångström', 'zoe@example.se', 'SE', 2500, '2024-03-01', '2024-03-01 09:30:00.123456');
-- Customers who changed their e-mail address.
UPDATE customers SET email = 'moved-' || customer_id || '@example.org' WHERE customer_id % 7 = 0;
-- Orders returned.
UPDATE orders SET status = 'returned', note = 'returned by the customer' WHERE order_no = 2 AND customer_id % 5 = 0;
-- Customers who left, with their orders.
DELETE FROM orders WHERE customer_id % 13 = 0;
DELETE FROM customers WHERE customer_id % 13 = 0;
-- New orders of the new customer.
INSERT INTO orders (customer_id, order_no, order_date, ordered_at, status, quantity, amount, discount, note)
  VALUES (9000001, 1, '2024-03-02', '2024-03-02 10:00:00', 'paid', 3, 89.70, NULL, 'first order'),
         (9000001, 2, '2024-03-05', '2024-03-05 16:45:00.5', 'shipped', 1, 19.90, 0.1, NULL);
