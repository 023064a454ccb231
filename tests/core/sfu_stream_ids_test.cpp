// The sender's stream ids through Janus (sfu/stream_ids.hpp): read from the publisher's offer,
// checked, and written into the subscriber offer's msid lines, so that the receiving page's
// MediaStream has the id that mute and removeStream name.
#include <gtest/gtest.h>

#include "sfu/stream_ids.hpp"

namespace rtcmc::sfu {
namespace {

// Chrome's offer for one camera stream (audio + video) and a data line, trimmed.
constexpr const char* kPublisherOffer = "v=0\r\n"
                                        "o=- 1 2 IN IP4 127.0.0.1\r\n"
                                        "a=msid-semantic: WMS 4398df0c-2fe7\r\n"
                                        "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
                                        "a=mid:0\r\n"
                                        "a=sendonly\r\n"
                                        "a=msid:4398df0c-2fe7 a1b2\r\n"
                                        "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
                                        "a=mid:1\r\n"
                                        "a=msid:4398df0c-2fe7 c3d4\r\n"
                                        "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
                                        "a=mid:2\r\n";

// Janus's subscriber offer for two feeds: every line's stream is "janus".
constexpr const char* kSubscriberOffer = "v=0\r\n"
                                         "a=msid-semantic: WMS janus\r\n"
                                         "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
                                         "a=mid:0\r\n"
                                         "a=msid:janus janus0\r\n"
                                         "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
                                         "a=mid:1\r\n"
                                         "a=msid:janus janus1\r\n"
                                         "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
                                         "a=mid:2\r\n"
                                         "a=msid:janus janus2\r\n";

OfferedStream line(const char* mid, std::uint64_t feed, const char* description) {
    return OfferedStream{mid, Feed{feed, "user", {}}, "video", description, std::string()};
}

TEST(SfuStreamIds, ThePublisherOfferGivesEachMediaLineItsStreamId) {
    std::vector<LineStream> lines = lineStreams(kPublisherOffer);
    ASSERT_EQ(lines.size(), 2u) << "the data line has no stream";
    EXPECT_EQ(lines[0].mid, "0");
    EXPECT_EQ(lines[0].streamid, "4398df0c-2fe7");
    EXPECT_EQ(lines[1].mid, "1");
    EXPECT_EQ(lines[1].streamid, "4398df0c-2fe7");
}

TEST(SfuStreamIds, LinesWithoutAStreamOrWithAStrangeIdAreLeftOut) {
    EXPECT_TRUE(lineStreams("v=0\nm=audio 9 RTP/AVP 0\na=mid:0\na=msid:- t\n").size() == 1u)
        << "LF line ends and the '-' id (no stream) are still tokens";
    EXPECT_TRUE(lineStreams("m=audio 9 RTP/AVP 0\r\na=msid:s t\r\n").empty()) << "no mid";
    EXPECT_TRUE(lineStreams("m=audio 9 RTP/AVP 0\r\na=mid:0\r\na=msid:a\"b t\r\n").empty());
    EXPECT_TRUE(lineStreams(std::string("m=audio 9 RTP/AVP 0\r\na=mid:0\r\na=msid:") +
                            std::string(65, 'x') + " t\r\n")
                    .empty())
        << "more than 64 characters";
    EXPECT_TRUE(lineStreams("").empty());
    EXPECT_TRUE(lineStreams("a=mid:0\r\na=msid:s t\r\n").empty()) << "not in a media section";
}

TEST(SfuStreamIds, EachFeedKeepsItsDescriptionAndNoFeedTakesAnother) {
    std::vector<OfferedStream> streams{line("0", 7, "cam-a"),  line("1", 7, "cam-a"),
                                       line("2", 8, "cam-a"),  line("3", 8, ""),
                                       line("4", 9, "bad id"), line("5", 9, "feed-7")};
    assignStreamIds(streams);
    EXPECT_EQ(streams[0].streamid, "cam-a");
    EXPECT_EQ(streams[1].streamid, "cam-a") << "audio and video of one stream stay together";
    EXPECT_EQ(streams[2].streamid, "feed-8") << "feed 7 claimed cam-a first";
    EXPECT_EQ(streams[3].streamid, "feed-8") << "no description: one stream per feed";
    EXPECT_EQ(streams[4].streamid, "feed-9") << "not a token";
    EXPECT_EQ(streams[5].streamid, "feed-9") << "the fallback names are not for the taking";
}

TEST(SfuStreamIds, TheSubscriberOfferCarriesTheSendersStreamIds) {
    std::vector<OfferedStream> streams{line("0", 7, "cam-a"), line("1", 7, "cam-a"),
                                       line("2", 8, "")};
    assignStreamIds(streams);
    std::string sdp = withStreamIds(kSubscriberOffer, streams);
    EXPECT_NE(sdp.find("a=mid:0\r\na=msid:cam-a janus0\r\n"), std::string::npos) << sdp;
    EXPECT_NE(sdp.find("a=mid:1\r\na=msid:cam-a janus1\r\n"), std::string::npos) << sdp;
    EXPECT_NE(sdp.find("a=mid:2\r\na=msid:feed-8 janus2\r\n"), std::string::npos) << sdp;
    EXPECT_EQ(sdp.find("a=msid:janus "), std::string::npos);
    EXPECT_EQ(sdp.substr(0, 33), std::string(kSubscriberOffer).substr(0, 33))
        << "the session part is untouched";
    EXPECT_EQ(sdp.size(), std::string(kSubscriberOffer).size() + 1)
        << "only the three msid lines changed (\"feed-8\" is one longer than \"janus\")";
}

TEST(SfuStreamIds, LinesTheListDoesNotNameKeepJanussStream) {
    std::string sdp = withStreamIds(kSubscriberOffer, {});
    EXPECT_EQ(sdp, kSubscriberOffer);
    std::vector<OfferedStream> one{line("1", 7, "cam-a")};
    assignStreamIds(one);
    sdp = withStreamIds(kSubscriberOffer, one);
    EXPECT_NE(sdp.find("a=msid:janus janus0"), std::string::npos);
    EXPECT_NE(sdp.find("a=msid:cam-a janus1"), std::string::npos);
}

} // namespace
} // namespace rtcmc::sfu
