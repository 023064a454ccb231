#include "common/result.hpp"

namespace rtcmc {

const char* errorCodeName(ErrorCode code) {
    switch (code) {
    case ErrorCode::SessionLost:
        return "SESSION_LOST";
    case ErrorCode::Ejected:
        return "EJECTED";
    case ErrorCode::InvalidArgument:
        return "INVALID_ARGUMENT";
    case ErrorCode::UnknownSession:
        return "UNKNOWN_SESSION";
    case ErrorCode::UnknownDirection:
        return "UNKNOWN_DIRECTION";
    case ErrorCode::MalformedMessage:
        return "MALFORMED_MESSAGE";
    case ErrorCode::UnsupportedVersion:
        return "UNSUPPORTED_VERSION";
    case ErrorCode::UnknownMessageType:
        return "UNKNOWN_MESSAGE_TYPE";
    case ErrorCode::InvalidField:
        return "INVALID_FIELD";
    case ErrorCode::InvalidState:
        return "INVALID_STATE";
    case ErrorCode::NotInRoom:
        return "NOT_IN_ROOM";
    case ErrorCode::NotOwner:
        return "NOT_OWNER";
    case ErrorCode::RoomFull:
        return "ROOM_FULL";
    case ErrorCode::UnknownUser:
        return "UNKNOWN_USER";
    case ErrorCode::AlreadyMember:
        return "ALREADY_MEMBER";
    case ErrorCode::WrongPassword:
        return "WRONG_PASSWORD";
    case ErrorCode::MalformedPacket:
        return "MALFORMED_PACKET";
    case ErrorCode::UnknownTransfer:
        return "UNKNOWN_TRANSFER";
    case ErrorCode::DuplicatePacket:
        return "DUPLICATE_PACKET";
    case ErrorCode::PacketOutOfRange:
        return "PACKET_OUT_OF_RANGE";
    case ErrorCode::TransferMismatch:
        return "TRANSFER_MISMATCH";
    case ErrorCode::ChecksumMismatch:
        return "CHECKSUM_MISMATCH";
    case ErrorCode::TransferAborted:
        return "TRANSFER_ABORTED";
    case ErrorCode::PeerConnectionFailed:
        return "PEER_CONNECTION_FAILED";
    case ErrorCode::FileReadFailed:
        return "FILE_READ_FAILED";
    case ErrorCode::SendFailed:
        return "SEND_FAILED";
    case ErrorCode::SfuRefused:
        return "SFU_REFUSED";
    case ErrorCode::SfuUnavailable:
        return "SFU_UNAVAILABLE";
    }
    return "UNKNOWN_ERROR";
}

} // namespace rtcmc
