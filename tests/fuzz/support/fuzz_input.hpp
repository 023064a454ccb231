// How the libFuzzer targets read their input: a sequence of records, each an operation byte, a
// selector byte and a length-prefixed byte string. A plain layout (rather than
// FuzzedDataProvider, which reads integers from the end) lets the seed corpus generator write
// inputs that start from real packets and messages, and lets libFuzzer's mutations keep
// record boundaries.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace rtcmc::fuzz {

struct Record {
    std::uint8_t op = 0;
    std::uint8_t selector = 0;
    std::string_view bytes;
};

// Layout of one record: op (1 byte), selector (1 byte), length (2 bytes, little-endian), bytes.
// A last record shorter than its length takes what is left.
class RecordReader {
public:
    RecordReader(const std::uint8_t* data, std::size_t size)
        : data_(reinterpret_cast<const char*>(data)), size_(size) {}

    bool next(Record& record) {
        if (size_ - at_ < 4) {
            return false;
        }
        record.op = static_cast<std::uint8_t>(data_[at_]);
        record.selector = static_cast<std::uint8_t>(data_[at_ + 1]);
        std::size_t length = static_cast<std::uint8_t>(data_[at_ + 2]) |
                             static_cast<std::size_t>(static_cast<std::uint8_t>(data_[at_ + 3]))
                                 << 8;
        at_ += 4;
        if (length > size_ - at_) {
            length = size_ - at_;
        }
        record.bytes = std::string_view(data_ + at_, length);
        at_ += length;
        return true;
    }

private:
    const char* data_;
    std::size_t size_;
    std::size_t at_ = 0;
};

} // namespace rtcmc::fuzz
