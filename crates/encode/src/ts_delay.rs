//! How far a chunk's decoding runs ahead of its presentation, read from its MPEG-TS bytes.
//!
//! An encoder with B-frames decodes a few frames ahead: each frame's decode timestamp (DTS)
//! lies that many frame durations before its presentation timestamp (PTS). x264 and x265 only
//! apply that delay when a stream has more frames than the delay itself (two, with B-pyramids),
//! so a chunk of one or two frames has none. Joined as they are, its DTS would jump forward by
//! the delay (a last short chunk: ffprobe reports 28.125 fps for a 30 fps video) or run
//! backwards (a short chunk between others). The join evens the delays out; this module reads
//! each chunk's from its first video frame.
//!
//! MPEG-TS: 188-byte packets starting 0x47; a packet whose payload-unit-start flag is set
//! begins a PES packet, whose header holds the 33-bit PTS and, when it differs, the DTS.

/// The delay, in 90 kHz ticks (PTS minus DTS), of the first video frame in the transport
/// stream `bytes` (its first few kilobytes are enough); 0 when that frame has no DTS (it equals
/// the PTS). `None` when `bytes` hold no video PES header: not MPEG-TS, or cut too short.
pub(crate) fn first_frame_delay(bytes: &[u8]) -> Option<u64> {
    bytes
        .chunks_exact(PACKET)
        .take_while(|packet| packet[0] == SYNC)
        .find_map(|packet| pes_start(packet).and_then(video_timestamps))
        .map(|(pts, dts)| dts.map_or(0, |dts| pts.saturating_sub(dts)))
}

const PACKET: usize = 188;
const SYNC: u8 = 0x47;

/// The payload of a transport packet that starts a PES packet.
fn pes_start(packet: &[u8]) -> Option<&[u8]> {
    let unit_start = packet[1] & 0x40 != 0;
    let adaptation = (packet[3] >> 4) & 0b11;
    if !unit_start || adaptation & 0b01 == 0 {
        return None;
    }
    let offset = match adaptation {
        // An adaptation field comes first: its length byte, then that many bytes.
        0b11 => 5 + usize::from(*packet.get(4)?),
        _ => 4,
    };
    let payload = packet.get(offset..)?;
    payload.starts_with(&[0, 0, 1]).then_some(payload)
}

/// PTS and DTS of a PES header of a video stream (stream ids 0xE0-0xEF).
fn video_timestamps(pes: &[u8]) -> Option<(u64, Option<u64>)> {
    let stream_id = *pes.get(3)?;
    if stream_id & 0xF0 != 0xE0 {
        return None;
    }
    let flags = *pes.get(7)? >> 6;
    let pts = timestamp(pes.get(9..14)?)?;
    let dts = match flags {
        0b11 => Some(timestamp(pes.get(14..19)?)?),
        0b10 => None,
        _ => return None,
    };
    Some((pts, dts))
}

/// A 33-bit timestamp spread over five bytes with marker bits.
fn timestamp(field: &[u8]) -> Option<u64> {
    let [a, b, c, d, e] = <[u8; 5]>::try_from(field).ok()?;
    Some(
        (u64::from(a >> 1) & 0b111) << 30
            | u64::from(b) << 22
            | u64::from(c >> 1) << 15
            | u64::from(d) << 7
            | u64::from(e >> 1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The five bytes of `value` with marker bits, `prefix` in the top nibble.
    fn field(prefix: u8, value: u64) -> [u8; 5] {
        [
            prefix << 4 | ((value >> 29) & 0b1110) as u8 | 1,
            (value >> 22) as u8,
            ((value >> 14) & 0xFE) as u8 | 1,
            (value >> 7) as u8,
            ((value << 1) & 0xFE) as u8 | 1,
        ]
    }

    /// A transport packet starting a PES packet of `stream_id` with these timestamps, after an
    /// adaptation field of `stuffing` bytes (none: no adaptation field).
    fn packet(stream_id: u8, pts: u64, dts: Option<u64>, stuffing: Option<u8>) -> Vec<u8> {
        let mut p = vec![SYNC, 0x40 | 0x01, 0x00];
        match stuffing {
            Some(n) => {
                p.push(0x30);
                p.push(n);
                p.extend(std::iter::repeat_n(0xFF, n as usize));
            }
            None => p.push(0x10),
        }
        p.extend([0, 0, 1, stream_id, 0, 0, 0x80]);
        match dts {
            Some(dts) => {
                p.extend([0xC0, 10]);
                p.extend(field(0b0011, pts));
                p.extend(field(0b0001, dts));
            }
            None => {
                p.extend([0x80, 5]);
                p.extend(field(0b0010, pts));
            }
        }
        p.resize(PACKET, 0xFF);
        p
    }

    #[test]
    fn the_delay_is_pts_minus_dts_of_the_first_video_frame() {
        // A table packet (no PES) first, as ffmpeg writes PAT and PMT before the video.
        let mut table = vec![SYNC, 0x40, 0x00, 0x10, 0x00];
        table.resize(PACKET, 0xFF);
        // 33-bit values, past 2^32, survive.
        let pts = (1 << 32) + 216_000;
        let mut ts = table.clone();
        ts.extend(packet(0xE0, pts, Some(pts - 6000), Some(7)));
        ts.extend(packet(0xE0, pts + 3000, None, None));
        assert_eq!(first_frame_delay(&ts), Some(6000));
        let mut no_dts = table;
        no_dts.extend(packet(0xE0, 216_000, None, None));
        assert_eq!(first_frame_delay(&no_dts), Some(0));
    }

    #[test]
    fn audio_is_skipped_and_junk_reads_as_nothing() {
        let mut ts = packet(0xC0, 1000, None, None);
        ts.extend(packet(0xE1, 9000, Some(6000), None));
        assert_eq!(first_frame_delay(&ts), Some(3000));
        assert_eq!(first_frame_delay(b""), None);
        assert_eq!(first_frame_delay(&[0x47; 187]), None);
        // An adaptation field longer than the packet, no sync byte.
        let mut long_field = vec![SYNC, 0x40, 0, 0x30, 250];
        long_field.resize(PACKET, 0);
        assert_eq!(first_frame_delay(&long_field), None);
        let mut unsynced = packet(0xE0, 9000, Some(6000), None);
        unsynced[0] = 0;
        assert_eq!(first_frame_delay(&unsynced), None);
        // Every byte pattern is read without panicking.
        let mut state = 0x1234_5678_u32;
        for _ in 0..2000 {
            let bytes: Vec<u8> = (0..PACKET * 2)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 17;
                    state ^= state << 5;
                    if state.is_multiple_of(5) {
                        SYNC
                    } else {
                        state as u8
                    }
                })
                .collect();
            let _ = first_frame_delay(&bytes);
        }
    }
}
