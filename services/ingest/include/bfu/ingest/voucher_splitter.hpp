#pragma once
// VoucherSplitter: cuts a request body into voucher payloads while it streams in, so that
// POST /v1/vouchers never holds more of the body than one voucher. Three shapes:
//   - one voucher object                       {...}
//   - a JSON array of vouchers                 [{...}, {...}]
//   - NDJSON, one voucher per line             {...}\n{...}\n
// NDJSON is chosen by the caller (Content-Type application/x-ndjson); otherwise the first
// non-blank byte decides: '[' an array, '{' one object or several (whitespace-separated, which
// covers NDJSON sent without its content type), anything else: the body is not JSON at all.
//
// The splitter only finds where each top-level element begins and ends (tracking strings,
// escapes and nesting); it does not parse. An element that is malformed inside is still
// emitted verbatim, so the checker rejects it with a reason and the answer reports it.
//
// Not thread-safe; one per request.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace bfu::ingest {

class VoucherSplitter {
public:
    using Emit = std::function<void(std::string_view element)>;

    explicit VoucherSplitter(bool ndjson) : mode_(ndjson ? Mode::kLines : Mode::kDetect) {}

    // Feeds the next piece of the body; `emit` is called for every element completed by it.
    void Feed(std::string_view chunk, const Emit& emit);
    // The body has ended: emits an unfinished last element, and notes a structural problem.
    void Finish(const Emit& emit);

    // The top level is not JSON at all (nothing was or will be emitted), or the body is empty.
    [[nodiscard]] bool not_json() const noexcept { return not_json_; }
    // A problem with the body's top level ("" when none), e.g. an array that is not closed.
    [[nodiscard]] const std::string& error() const noexcept { return error_; }
    [[nodiscard]] std::size_t emitted() const noexcept { return emitted_; }

private:
    enum class Mode { kDetect, kArray, kObjects, kLines, kAfterArray, kNotJson };

    void FeedArray(char c, const Emit& emit);
    void FeedObjects(char c, const Emit& emit);
    void FeedLines(char c, const Emit& emit);
    // Tracks strings and nesting inside an element; true when `c` was inside a string.
    bool Track(char c);
    void EmitCurrent(const Emit& emit);

    Mode mode_;
    std::string current_;  // the element being collected
    bool in_element_ = false;
    bool raw_line_ = false;  // kObjects: an element that did not start with '{' runs to '\n'
    bool in_string_ = false;
    bool escaped_ = false;
    int depth_ = 0;  // nesting inside the current element
    bool not_json_ = false;
    bool seen_anything_ = false;
    std::string error_;
    std::size_t emitted_ = 0;
};

}  // namespace bfu::ingest
