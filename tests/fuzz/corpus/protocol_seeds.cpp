// Seeds of protocol_decode_fuzzer: every message type, encoded.
#include "protocol/codec.hpp"
#include "seeds.hpp"

namespace rtcmc::fuzz::seeds {

using nlohmann::json;
namespace proto = protocol;

void addRecord(std::string& input, std::uint8_t op, std::uint8_t selector, std::string_view bytes) {
    const std::size_t length = bytes.size() > 0xFFFF ? 0xFFFF : bytes.size();
    input += static_cast<char>(op);
    input += static_cast<char>(selector);
    input += static_cast<char>(length & 0xFF);
    input += static_cast<char>(length >> 8);
    input.append(bytes.substr(0, length));
}

std::vector<proto::Message> sampleMessages() {
    const proto::Envelope fromAlice{"room", "alice", std::string("me")};
    const proto::Envelope aliceToAll{"room", "alice", std::nullopt};
    const proto::Envelope fromBob{"room", "bob", std::string("me")};
    const proto::Envelope fromCarol{"room", "carol", std::string("me")};

    proto::Announce announce;
    announce.envelope = aliceToAll;
    announce.extra = json{{"username", "Alice"}, {"list", {1, 2.5, "é"}}};
    announce.participants = 2;
    announce.maxParticipantsAllowed = 4;

    proto::JoinRequest request{fromCarol, json{{"n", 1}}, parseSession("audio").value(),
                               std::string("pw"), 123456u};

    proto::JoinAccept accept;
    accept.envelope = fromAlice;
    accept.owner = "alice";
    accept.members = {proto::MemberInfo{"alice", json::object(), defaultSession()},
                      proto::MemberInfo{"bob", json{{"x", true}}, defaultSession()},
                      proto::MemberInfo{"me", json::object(), parseSession("audio").value()}};
    accept.direction = Direction::OneToMany;
    accept.autoCloseEntireSession = true;

    proto::SessionDescription offer{fromBob,
                                    proto::SdpType::Offer,
                                    "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n",
                                    {proto::StreamInfo{"stream-1", defaultSession()}},
                                    std::nullopt};
    proto::SessionDescription answer{
        fromAlice, proto::SdpType::Answer, "v=0 answer", {}, std::string("1")};
    proto::IceCandidate candidate{fromBob, "candidate:1 1 udp 2122260223 198.18.0.1 9 typ host",
                                  std::string("0"), 0u};

    return {
        announce,
        proto::PresenceQuery{proto::Envelope{"room", "bob", std::nullopt}},
        request,
        accept,
        proto::JoinRefuse{fromAlice, "ROOM_FULL", "room 'room' is full", 7u},
        proto::JoinRefuse{fromAlice, "WRONG_PASSWORD", "", std::nullopt},
        proto::MemberJoined{aliceToAll,
                            proto::MemberInfo{"carol", json::object(), defaultSession()}},
        proto::MemberLeft{aliceToAll, "bob", proto::LeaveReason::Left},
        proto::MemberLeft{aliceToAll, "bob", proto::LeaveReason::Disconnected},
        proto::Eject{fromAlice},
        proto::Leave{aliceToAll, false, std::string("bob")},
        proto::Leave{aliceToAll, true, std::nullopt},
        proto::Leave{proto::Envelope{"room", "bob", std::nullopt}, false, std::nullopt},
        proto::ExtraUpdated{proto::Envelope{"room", "bob", std::nullopt}, json{{"away", true}}},
        offer,
        answer,
        candidate,
        proto::IceCandidate{fromBob, std::nullopt, std::nullopt, std::nullopt},
        proto::MuteChanged{proto::Envelope{"room", "bob", std::nullopt}, "stream-1", true, false,
                           true},
        proto::StreamEnded{proto::Envelope{"room", "bob", std::nullopt}, "stream-1"},
    };
}

std::vector<Seed> protocolDecodeSeeds() {
    std::vector<Seed> seeds;
    for (const proto::Message& message : sampleMessages()) {
        seeds.push_back(
            Seed{"message-" + std::to_string(seeds.size()) + "-" + proto::typeName(message),
                 proto::encode(message)});
    }
    return seeds;
}

} // namespace rtcmc::fuzz::seeds
