// Engine::handle(): the one door of the typed boundary (engine/event.hpp), a switch over the
// engine's methods.
#include "engine/event.hpp"

namespace rtcmc {

namespace {

Actions dispatch(Engine& engine, const Event& event) {
    const std::uint64_t now = event.now > 0 ? static_cast<std::uint64_t>(event.now) : 0;
    switch (event.kind) {
    case EventKind::Open:
        return engine.open(event.id, now);
    case EventKind::Connect:
        return engine.connect(event.id, now);
    case EventKind::Join:
        return engine.join(
            event.id, event.flag ? std::optional<SessionType>(event.media) : std::nullopt, now);
    case EventKind::Leave:
        return engine.leave();
    case EventKind::Eject:
        return engine.eject(event.peer);
    case EventKind::UpdateExtra:
        return engine.updateExtra(event.text);
    case EventKind::CheckPresence:
        return engine.checkPresence(event.id, now);
    case EventKind::DonotJoin:
        return engine.donotJoin(event.id);
    case EventKind::SetMuted:
        return engine.setMuted(event.id, event.media.audio, event.media.video, event.flag);
    case EventKind::EndStream:
        return engine.endStream(event.id);
    case EventKind::AddStream:
        return engine.addStream(event.media);
    case EventKind::Tick:
        return engine.tick(now);
    case EventKind::MediaReady:
        engine.localStreamAdded(event.id, event.media);
        return engine.localMediaReady(now);
    case EventKind::MediaFailed:
        return engine.localMediaFailed(event.text);
    case EventKind::StreamAdded:
        engine.localStreamAdded(event.id, event.media);
        return {};
    case EventKind::PeerStateChanged:
        return engine.peerStateChanged(event.peer, event.state, now);
    case EventKind::DataChannelOpened:
        return engine.dataChannelOpened(event.peer);
    case EventKind::DataChannelClosed:
        return engine.dataChannelClosed(event.peer);
    case EventKind::LocalDescription:
        return engine.localDescription(event.peer, event.name, event.text);
    case EventKind::LocalCandidate:
        return engine.localCandidate(event.peer, event.text, event.name, event.index);
    case EventKind::RemoteStreamAdded:
        return engine.remoteStreamAdded(event.peer, event.id);
    case EventKind::RemoteStreamRemoved:
        return engine.remoteStreamRemoved(event.peer, event.id);
    case EventKind::Signal:
        return engine.receiveSignal(event.text, event.peer, now);
    case EventKind::ServerReply:
        return engine.serverReply(event.name, event.body, event.text, now);
    case EventKind::ServerEvent:
        return engine.serverEvent(event.name, event.text, now);
    }
    return {};
}

} // namespace

Actions handle(Engine& engine, const Event& event) {
    Actions out = dispatch(engine, event);
    engine.addPendingStreams(out);
    return out;
}

} // namespace rtcmc
