//! Robustness: thousands of corrupted compositions (bytes deleted, duplicated, swapped, garbage
//! inserted) never panic or hang the host — each ends in a frame or an error value.

use std::sync::Arc;
use std::time::Duration;

use kinema_compose::{Bundle, CodeComposition, Engine, Limits};

const SEEDS: &[&str] = &[
    include_str!("../../../examples/code/hello.tsx"),
    include_str!("../benches/sixty.tsx"),
    "import {Sequence, Series, useCurrentFrame, interpolate} from 'remotion';\nimport {TransitionSeries, linearTiming} from '@remotion/transitions';\nimport {fade} from '@remotion/transitions/fade';\nimport {Star} from '@remotion/shapes';\nexport default () => { const f = useCurrentFrame(); return (<TransitionSeries><TransitionSeries.Sequence durationInFrames={5}><Star points={5} innerRadius={10} outerRadius={20} fill=\"red\" /></TransitionSeries.Sequence><TransitionSeries.Transition presentation={fade()} timing={linearTiming({durationInFrames: 2})} /><TransitionSeries.Sequence durationInFrames={5}><Series><Series.Sequence durationInFrames={2}><p>{interpolate(f, [0, 4], [0, 1])}</p></Series.Sequence></Series></TransitionSeries.Sequence></TransitionSeries>); };\n",
];

const GARBAGE: &[&str] = &[
    "{",
    "}",
    "<",
    "/>",
    "(",
    ")",
    "'",
    "`",
    "${",
    "=>",
    ";",
    "\u{0}",
    "é",
    "\u{1F600}",
    "null",
    "undefined",
    "-1",
    "1e309",
    "NaN",
    "while(1){}",
    "<div>",
    "</div>",
    "import",
    "export",
    "await",
    "new Array(1e9)",
    "...",
];

/// A small deterministic PRNG (xorshift), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(source: &str, rng: &mut Rng) -> String {
    let mut chars: Vec<char> = source.chars().collect();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(chars.len() + 1);
        match rng.below(4) {
            0 if !chars.is_empty() => {
                let end = (at + 1 + rng.below(12)).min(chars.len());
                chars.drain(at.min(end)..end);
            }
            1 => {
                let insert = GARBAGE[rng.below(GARBAGE.len())];
                chars.splice(at..at, insert.chars());
            }
            2 if chars.len() > 2 => {
                let other = rng.below(chars.len());
                let at = at.min(chars.len() - 1);
                chars.swap(at, other);
            }
            _ => {
                let start = rng.below(chars.len());
                let end = (start + rng.below(20)).min(chars.len());
                let copy: Vec<char> = chars[start..end].to_vec();
                let at = at.min(chars.len());
                chars.splice(at..at, copy);
            }
        }
    }
    chars.into_iter().collect()
}

#[test]
fn corrupted_compositions_fail_cleanly() {
    let limits = Limits {
        cpu_time: Duration::from_millis(200),
        memory_bytes: 64 << 20,
        ..Limits::default()
    };
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let (mut rendered, mut failed) = (0, 0);
    for round in 0..240 {
        let seed = SEEDS[round % SEEDS.len()];
        let code = mutate(seed, &mut rng);
        let outcome = Bundle::from_code(&code, CodeComposition::new(12, 30.0))
            .and_then(|bundle| Engine::new(Arc::new(bundle), limits))
            .and_then(|mut engine| {
                engine.select("DynamicComp", &serde_json::json!({}))?;
                engine.render_frame(rng.below(12) as u32)
            });
        match outcome {
            Ok(_) => rendered += 1,
            Err(error) => {
                assert!(!error.to_string().is_empty());
                failed += 1;
            }
        }
    }
    eprintln!("rendered {rendered}, failed {failed}");
    // Both outcomes must occur, or the mutations are not exercising anything.
    assert!(
        rendered > 0 && failed > 0,
        "rendered {rendered}, failed {failed}"
    );
}
