#pragma once
// Just enough XML for S3's answers: the text of named elements (<Key>, <Code>, <UploadId>...)
// with entities decoded, and escaping for the one body icesync sends (CompleteMultipartUpload).
// S3's documents are flat and machine-written, so elements are found by their tags, not by a
// full parse: no DTDs, no CDATA, no namespaces prefixes (S3 uses none).
#include <string>
#include <string_view>
#include <vector>

namespace icesync::io::s3xml {

// The raw content of each <tag>...</tag> (or empty for <tag/>) in `xml`, in document order.
// Tags with attributes (<tag a="b">) count; <tagOther> does not.
std::vector<std::string_view> Elements(std::string_view xml, std::string_view tag);
// The decoded text of the first <tag> element, or "" when there is none.
std::string Text(std::string_view xml, std::string_view tag);
// Decodes &amp; &lt; &gt; &quot; &apos; and numeric references (&#38; &#x26;, as UTF-8). An
// unknown entity is kept as written.
std::string Decode(std::string_view text);
// Escapes & < > " ' for element text.
std::string Escape(std::string_view text);

}  // namespace icesync::io::s3xml
