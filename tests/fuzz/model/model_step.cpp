#include "model_step.hpp"

namespace rtcmc::fuzz::model {

namespace {

const char* callName(Call call) {
    switch (call) {
    case Call::Open:
        return "open";
    case Call::Connect:
        return "connect";
    case Call::Join:
        return "join";
    case Call::Leave:
        return "leave";
    case Call::Eject:
        return "eject";
    case Call::UpdateExtra:
        return "updateExtraData";
    case Call::CheckPresence:
        return "checkPresence";
    case Call::AddStream:
        return "addStream";
    case Call::DonotJoin:
        return "donotJoin";
    case Call::Mute:
        return "mute";
    }
    return "?";
}

const char* reportName(Report report) {
    switch (report) {
    case Report::Offer:
        return "offer made";
    case Report::Answer:
        return "answer made";
    case Report::Connected:
        return "connected";
    case Report::DataOpen:
        return "data channel open";
    case Report::Closed:
        return "closed by the far end";
    case Report::Failed:
        return "failed";
    case Report::MediaReady:
        return "media ready";
    case Report::MediaFailed:
        return "media failed";
    }
    return "?";
}

bool aboutMedia(Report report) {
    return report == Report::MediaReady || report == Report::MediaFailed;
}

} // namespace

std::string userName(int user) {
    return "u" + std::to_string(user + 1);
}

std::string describe(const Step& step) {
    const std::string user = userName(step.user);
    const std::string peer = userName(step.peer);
    switch (step.kind) {
    case StepKind::Call: {
        std::string out = user + "." + callName(step.call) + "(";
        switch (step.call) {
        case Call::Open:
        case Call::Connect:
        case Call::Join:
        case Call::CheckPresence:
        case Call::DonotJoin:
            out += "\"" + step.room + "\"";
            break;
        case Call::Eject:
            out += "\"" + peer + "\"";
            break;
        default:
            break;
        }
        return out + ")";
    }
    case StepKind::DeliverSignal:
        return "signal " + user + " -> " + peer + " arrives";
    case StepKind::ServerTakes:
        return "server handles " + user + "'s next request or relay";
    case StepKind::ServerDelivers:
        return user + " gets the server's next message";
    case StepKind::Browser:
        return user + "'s browser: " + (aboutMedia(step.report) ? "" : "link to " + peer + " ") +
               reportName(step.report);
    case StepKind::Tick:
        return std::to_string(step.amount) + " ms pass";
    case StepKind::Send:
        return user + " sends " + std::to_string(step.amount) + " bytes (chunks of " +
               std::to_string(step.extra) + ") to " + peer;
    case StepKind::DeliverData:
        return "packet " + user + " -> " + peer + " arrives";
    case StepKind::LinkFails:
        return "link " + user + " <-> " + peer + " fails";
    case StepKind::Crash:
        return user + " crashes";
    case StepKind::Restart:
        return user + " comes back (new engine)";
    case StepKind::RepeatReport:
        return user +
               "'s browser repeats: " + (aboutMedia(step.report) ? "" : "link to " + peer + " ") +
               reportName(step.report);
    case StepKind::CorruptData:
        return "next chunk " + user + " -> " + peer + " gets a flipped byte";
    case StepKind::DuplicateData:
        return "next packet " + user + " -> " + peer + " arrives twice";
    case StepKind::SwapData:
        return "next two packets " + user + " -> " + peer + " swap";
    case StepKind::DataChannelCloses:
        return "data channel " + user + " <-> " + peer + " closes";
    case StepKind::Settle:
        return "everything settles (order " + std::to_string(step.amount) + ")";
    }
    return "?";
}

} // namespace rtcmc::fuzz::model
