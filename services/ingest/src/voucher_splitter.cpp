#include "bfu/ingest/voucher_splitter.hpp"

namespace bfu::ingest {

namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

void VoucherSplitter::Feed(std::string_view chunk, const Emit& emit) {
    for (char c : chunk) {
        switch (mode_) {
            case Mode::kDetect:
                if (IsBlank(c)) break;
                seen_anything_ = true;
                if (c == '[') {
                    mode_ = Mode::kArray;
                } else if (c == '{') {
                    mode_ = Mode::kObjects;
                    FeedObjects(c, emit);
                } else {
                    mode_ = Mode::kNotJson;
                    not_json_ = true;
                    error_ = std::string("the body is not JSON: it starts with '") + c +
                             "', not '{' (one voucher), '[' (an array) or NDJSON lines";
                }
                break;
            case Mode::kArray:
                FeedArray(c, emit);
                break;
            case Mode::kObjects:
                FeedObjects(c, emit);
                break;
            case Mode::kLines:
                FeedLines(c, emit);
                break;
            case Mode::kAfterArray:
                if (!IsBlank(c) && error_.empty()) {
                    error_ = "text after the closing ']' of the array was ignored";
                }
                break;
            case Mode::kNotJson:
                return;
        }
    }
}

bool VoucherSplitter::Track(char c) {
    if (in_string_) {
        if (escaped_) {
            escaped_ = false;
        } else if (c == '\\') {
            escaped_ = true;
        } else if (c == '"') {
            in_string_ = false;
        }
        return true;
    }
    if (c == '"') {
        in_string_ = true;
    } else if (c == '{' || c == '[') {
        ++depth_;
    } else if ((c == '}' || c == ']') && depth_ > 0) {
        --depth_;
    }
    return false;
}

void VoucherSplitter::EmitCurrent(const Emit& emit) {
    while (!current_.empty() && IsBlank(current_.back())) current_.pop_back();
    emit(current_);
    ++emitted_;
    current_.clear();
    in_element_ = false;
    raw_line_ = false;
    in_string_ = false;
    escaped_ = false;
    depth_ = 0;
}

void VoucherSplitter::FeedArray(char c, const Emit& emit) {
    if (!in_element_) {
        if (IsBlank(c)) return;
        if (c == ']') {
            mode_ = Mode::kAfterArray;
            return;
        }
        if (c == ',') {
            // An empty element ("[,") is reported as one, so indexes stay the sender's.
            current_.clear();
            EmitCurrent(emit);
            return;
        }
        in_element_ = true;
    }
    const bool in_string = Track(c);
    if (!in_string && depth_ == 0 && (c == ',' || c == ']')) {
        EmitCurrent(emit);
        if (c == ']') mode_ = Mode::kAfterArray;
        return;
    }
    current_.push_back(c);
}

void VoucherSplitter::FeedObjects(char c, const Emit& emit) {
    if (!in_element_) {
        if (IsBlank(c)) return;
        in_element_ = true;
        raw_line_ = c != '{';
    }
    if (raw_line_) {
        if (c == '\n') {
            EmitCurrent(emit);
            return;
        }
        current_.push_back(c);
        return;
    }
    current_.push_back(c);
    const bool in_string = Track(c);
    if (!in_string && depth_ == 0) EmitCurrent(emit);
}

void VoucherSplitter::FeedLines(char c, const Emit& emit) {
    if (c == '\n') {
        if (current_.find_first_not_of(" \t\r") != std::string::npos) EmitCurrent(emit);
        current_.clear();
        return;
    }
    seen_anything_ = true;
    current_.push_back(c);
}

void VoucherSplitter::Finish(const Emit& emit) {
    switch (mode_) {
        case Mode::kDetect:
            not_json_ = true;
            error_ = "the body is empty: send one voucher, a JSON array or NDJSON lines";
            return;
        case Mode::kLines:
            if (current_.find_first_not_of(" \t\r") != std::string::npos) EmitCurrent(emit);
            if (emitted_ == 0) {
                not_json_ = true;
                error_ = "the body is empty: send one voucher per line";
            }
            return;
        case Mode::kArray:
            if (in_element_) EmitCurrent(emit);
            error_ = "the array is not closed: the body ends before its ']'";
            return;
        case Mode::kObjects:
            if (in_element_) {
                const bool cut = !raw_line_;
                EmitCurrent(emit);
                if (cut) error_ = "the body ends inside a voucher";
            }
            return;
        case Mode::kAfterArray:
        case Mode::kNotJson:
            return;
    }
}

}  // namespace bfu::ingest
