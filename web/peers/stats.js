// connection.getStats(callback) and peers[userid].getStats(callback) (v1.8 names): what a page
// wants to show about one link, read from RTCPeerConnection.getStats(): bytes each way, the
// current round-trip time, packet loss, the kind of the selected candidate pair, and per media
// stream the bitrate since the previous call.

// The summary of one RTCPeerConnection; `previous` is the summary this returned last time
// (for bitrates), or null.
export async function summarizeStats(pc, userid, previous) {
    const report = await pc.getStats();
    const byId = new Map();
    report.forEach((entry) => byId.set(entry.id, entry));
    const summary = {
        userid,
        timestamp: Date.now(),
        bytesSent: 0,
        bytesReceived: 0,
        packetsSent: 0,
        packetsReceived: 0,
        packetsLost: 0,
        packetLoss: 0, // lost / (received + lost), inbound RTP
        roundTripTime: null, // seconds, of the selected candidate pair
        candidatePair: null, // {local, remote}: 'host' | 'srflx' | 'prflx' | 'relay'
        streams: [], // [{kind, direction, trackIdentifier, bytes, bitrate (bit/s)}]
        connectionState: pc.connectionState,
    };
    let selectedPairId = null;
    report.forEach((entry) => {
        if (entry.type === 'transport' && entry.selectedCandidatePairId) selectedPairId = entry.selectedCandidatePairId;
    });
    report.forEach((entry) => {
        if (entry.type === 'candidate-pair' && !selectedPairId && entry.nominated && entry.state === 'succeeded') selectedPairId = entry.id;
        if (entry.type === 'outbound-rtp' || entry.type === 'inbound-rtp') {
            const outbound = entry.type === 'outbound-rtp';
            const bytes = (outbound ? entry.bytesSent : entry.bytesReceived) || 0;
            const before = previous && previous.streams.find((stream) => stream.id === entry.id);
            const seconds = before ? (entry.timestamp - before.at) / 1000 : 0;
            summary.streams.push({
                id: entry.id,
                kind: entry.kind,
                direction: outbound ? 'outbound' : 'inbound',
                trackIdentifier: entry.trackIdentifier,
                bytes,
                at: entry.timestamp,
                bitrate: before && seconds > 0 ? Math.round(((bytes - before.bytes) * 8) / seconds) : null,
            });
            if (!outbound) {
                summary.packetsReceived += entry.packetsReceived || 0;
                summary.packetsLost += Math.max(0, entry.packetsLost || 0);
            } else {
                summary.packetsSent += entry.packetsSent || 0;
            }
        }
        if (entry.type === 'transport') {
            summary.bytesSent += entry.bytesSent || 0;
            summary.bytesReceived += entry.bytesReceived || 0;
        }
    });
    const pair = selectedPairId ? byId.get(selectedPairId) : null;
    if (pair) {
        summary.roundTripTime = pair.currentRoundTripTime ?? null;
        const local = byId.get(pair.localCandidateId);
        const remote = byId.get(pair.remoteCandidateId);
        summary.candidatePair = { local: local ? local.candidateType : null, remote: remote ? remote.candidateType : null };
    }
    const counted = summary.packetsReceived + summary.packetsLost;
    summary.packetLoss = counted > 0 ? summary.packetsLost / counted : 0;
    return summary;
}
