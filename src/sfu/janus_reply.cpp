#include "sfu/janus_reply.hpp"

#include "common/json_text.hpp"
#include "sfu/json_fields.hpp"
#include "sfu/limits.hpp"

namespace rtcmc::sfu {
namespace {

struct KindName {
    const char* name;
    ReplyKind kind;
};

constexpr KindName kKinds[] = {
    {"success", ReplyKind::Success},   {"error", ReplyKind::Error},
    {"ack", ReplyKind::Ack},           {"event", ReplyKind::Event},
    {"webrtcup", ReplyKind::WebrtcUp}, {"media", ReplyKind::Media},
    {"slowlink", ReplyKind::Slowlink}, {"hangup", ReplyKind::Hangup},
    {"timeout", ReplyKind::Timeout},   {"detached", ReplyKind::Detached},
};

Error missing(const char* kind, const char* field) {
    return makeError(ErrorCode::InvalidField, Text(TextId::SfuFrameMissingField, {kind, field}));
}

} // namespace

const char* replyKindName(ReplyKind kind) {
    for (const KindName& entry : kKinds) {
        if (entry.kind == kind) {
            return entry.name;
        }
    }
    return "?";
}

Result<Reply> decodeReply(std::string_view text) {
    if (text.size() > kMaxFrameBytes) {
        return makeError(ErrorCode::MalformedMessage,
                         Text(TextId::SfuFrameTooLarge, {text.size(), kMaxFrameBytes}));
    }
    nlohmann::json frame = parseJson(text);
    if (frame.is_discarded() || !frame.is_object()) {
        return makeError(ErrorCode::MalformedMessage, Text(TextId::SfuFrameNotJson));
    }
    std::optional<std::string> kindText = stringField(frame, "janus");
    if (!kindText) {
        return makeError(ErrorCode::MalformedMessage, Text(TextId::SfuFrameNoKind));
    }
    Reply reply;
    bool known = false;
    for (const KindName& entry : kKinds) {
        if (*kindText == entry.name) {
            reply.kind = entry.kind;
            known = true;
        }
    }
    if (!known) {
        return makeError(ErrorCode::UnknownMessageType,
                         Text(TextId::SfuFrameUnknownKind, {*kindText}));
    }
    const char* kind = replyKindName(reply.kind);
    reply.transaction = stringField(frame, "transaction").value_or(std::string());
    reply.session = unsignedField(frame, "session_id").value_or(0);
    reply.sender = unsignedField(frame, "sender").value_or(0);

    switch (reply.kind) {
    case ReplyKind::Success:
        if (const nlohmann::json* data = objectField(frame, "data")) {
            reply.dataId = unsignedField(*data, "id").value_or(0);
        }
        break;
    case ReplyKind::Error: {
        const nlohmann::json* error = objectField(frame, "error");
        std::optional<std::int64_t> code = error ? integerField(*error, "code") : std::nullopt;
        if (!code || *code < 0 || *code > 100000) {
            return missing(kind, "error.code");
        }
        reply.errorCode = static_cast<int>(*code);
        reply.errorReason = stringField(*error, "reason").value_or(std::string());
        break;
    }
    case ReplyKind::Timeout:
        if (reply.session == 0) {
            return missing(kind, "session_id");
        }
        break;
    case ReplyKind::Hangup:
        reply.reason = stringField(frame, "reason").value_or(std::string());
        break;
    default:
        break;
    }
    if (reply.kind == ReplyKind::Success || reply.kind == ReplyKind::Event) {
        const nlohmann::json* plugin = objectField(frame, "plugindata");
        const nlohmann::json* data = plugin ? objectField(*plugin, "data") : nullptr;
        if (data) {
            reply.pluginData = *data;
        } else if (reply.kind == ReplyKind::Event) {
            return missing(kind, "plugindata.data");
        }
    }
    if (reply.kind == ReplyKind::Event) {
        if (const nlohmann::json* jsep = objectField(frame, "jsep")) {
            std::optional<std::string> type = stringField(*jsep, "type");
            std::optional<std::string> sdp = stringField(*jsep, "sdp");
            if (!type || !sdp || (*type != "offer" && *type != "answer")) {
                return missing(kind, "jsep");
            }
            reply.jsep = Jsep{*type, *sdp};
        }
    }
    if ((reply.kind == ReplyKind::Ack || reply.kind == ReplyKind::Success ||
         reply.kind == ReplyKind::Error) &&
        reply.transaction.empty()) {
        return missing(kind, "transaction");
    }
    return reply;
}

} // namespace rtcmc::sfu
