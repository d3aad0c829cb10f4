#include "ontology/message_text.h"

namespace expgraph::internal {
namespace {

// Long enough to recognise a value, short enough to keep a message on one line.
constexpr size_t kMaxQuotedValue = 60;

}  // namespace

std::string_view json_kind(const nlohmann::json& value) {
  using Kind = nlohmann::json::value_t;
  switch (value.type()) {
    case Kind::null:
      return "null";
    case Kind::boolean:
      return "bool";
    case Kind::number_integer:
    case Kind::number_unsigned:
      return "int";
    case Kind::number_float:
      return "float";
    case Kind::string:
      return "string";
    case Kind::array:
      return "array";
    case Kind::object:
      return "object";
    default:
      return "value";
  }
}

std::string describe_json(const nlohmann::json& value) {
  // Appends piecewise: `" " + std::string&&` trips a GCC 12 -Wrestrict false positive.
  constexpr auto kReplace = nlohmann::json::error_handler_t::replace;
  std::string out(json_kind(value));
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    out += ' ';
    if (text.size() <= kMaxQuotedValue) {
      out += value.dump(-1, ' ', false, kReplace);
    } else {
      // Cut on a character boundary so the message stays valid UTF-8.
      size_t cut = kMaxQuotedValue;
      while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
      out += nlohmann::json(text.substr(0, cut)).dump(-1, ' ', false, kReplace);
      out += "...";
    }
  } else if (value.is_primitive() && !value.is_null()) {
    out += ' ';
    out += value.dump();
  }
  return out;
}

std::string in_quotes(std::string_view text) {
  std::string out = "\"";
  out += text;
  out += '"';
  return out;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

}  // namespace expgraph::internal
