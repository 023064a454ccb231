#include <gtest/gtest.h>

#include "session/sdp_bandwidth.hpp"

namespace rtcmc {
namespace {

const char* kOffer = "v=0\r\n"
                     "o=- 1 2 IN IP4 127.0.0.1\r\n"
                     "s=-\r\n"
                     "t=0 0\r\n"
                     "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
                     "c=IN IP4 0.0.0.0\r\n"
                     "b=AS:30\r\n"
                     "a=mid:0\r\n"
                     "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
                     "c=IN IP4 0.0.0.0\r\n"
                     "a=mid:1\r\n"
                     "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
                     "c=IN IP4 0.0.0.0\r\n"
                     "a=mid:2\r\n";

TEST(SdpBandwidth, OneLimitPerSectionAfterTheConnectionLine) {
    const std::string out = applyBandwidth(kOffer, Bandwidth{50, 256, 1638400});
    EXPECT_EQ(out, "v=0\r\n"
                   "o=- 1 2 IN IP4 127.0.0.1\r\n"
                   "s=-\r\n"
                   "t=0 0\r\n"
                   "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
                   "c=IN IP4 0.0.0.0\r\n"
                   "b=AS:50\r\n"
                   "a=mid:0\r\n"
                   "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
                   "c=IN IP4 0.0.0.0\r\n"
                   "b=AS:256\r\n"
                   "a=mid:1\r\n"
                   "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
                   "c=IN IP4 0.0.0.0\r\n"
                   "b=AS:1638400\r\n"
                   "a=mid:2\r\n");
}

TEST(SdpBandwidth, ZeroLeavesASectionAlone) {
    const std::string out = applyBandwidth(kOffer, Bandwidth{0, 300, 0});
    EXPECT_NE(out.find("b=AS:30\r\n"), std::string::npos) << "audio untouched";
    EXPECT_NE(out.find("a=mid:1\r\n"), std::string::npos);
    EXPECT_NE(out.find("c=IN IP4 0.0.0.0\r\nb=AS:300\r\na=mid:1"), std::string::npos);
    EXPECT_EQ(applyBandwidth(kOffer, Bandwidth{}), kOffer) << "nothing asked, nothing changed";
}

TEST(SdpBandwidth, SectionsWithoutAttributesAndLfInput) {
    EXPECT_EQ(applyBandwidth("v=0\nm=video 9 RTP/AVP 96\n", Bandwidth{0, 100, 0}),
              "v=0\nm=video 9 RTP/AVP 96\nb=AS:100\n");
    EXPECT_EQ(applyBandwidth("", Bandwidth{1, 2, 3}), "");
    EXPECT_EQ(applyBandwidth("garbage without sections", Bandwidth{1, 2, 3}),
              "garbage without sections\n");
}

} // namespace
} // namespace rtcmc
