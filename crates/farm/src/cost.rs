//! Prices (reference §8.5): arm64 Lambda duration and ephemeral-storage GB-seconds plus
//! requests, per region.

/// Milliseconds billed on top of each completed chunk (invocation overhead).
pub const OVERHEAD_TIME_PER_LAMBDA: u64 = 100;

/// Disk Remotion always prices with (its estimate ignores the real size); Kinema prices the
/// function's real disk size instead (documented improvement).
pub const REMOTION_PRICED_DISK_MB: u32 = 10240;

/// One region's prices.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RegionPrices {
    /// $ (or ¥) per GB-second of arm64 duration.
    pub duration_arm: f64,
    /// Per GB-second of ephemeral storage above 512 MB.
    pub storage_arm: f64,
    /// Per request.
    pub request: f64,
    pub currency: &'static str,
}

/// The price table of reference §8.5.
pub fn region_prices(region: &str) -> Option<RegionPrices> {
    let usd = |duration_arm, storage_arm, request| RegionPrices {
        duration_arm,
        storage_arm,
        request,
        currency: "USD",
    };
    let standard = 0.000_013_333_4;
    Some(match region {
        "us-east-1" | "us-east-2" | "us-west-2" => usd(standard, 0.000_000_030_9, 0.000_000_2),
        "us-west-1" => usd(standard, 0.000_000_037_0, 0.000_000_2),
        "eu-central-1" => usd(standard, 0.000_000_036_7, 0.000_000_2),
        "eu-west-1" | "ca-central-1" => usd(standard, 0.000_000_034_0, 0.000_000_2),
        "eu-west-2" | "eu-west-3" => usd(standard, 0.000_000_035_8, 0.000_000_2),
        "eu-north-1" => usd(standard, 0.000_000_032_3, 0.000_000_2),
        "eu-south-1" => usd(0.000_015_613_8, 0.000_000_035_7, 0.000_000_23),
        "eu-central-2" => usd(0.000_014_666_7, 0.000_000_044_1, 0.000_000_22),
        "ap-south-1" | "ap-northeast-2" => usd(standard, 0.000_000_035_2, 0.000_000_2),
        "ap-northeast-1" | "ap-northeast-3" | "ap-southeast-1" | "ap-southeast-2"
        | "ap-southeast-4" => usd(standard, 0.000_000_037_0, 0.000_000_2),
        "ap-southeast-5" => usd(0.000_012_000_0, 0.000_000_033_3, 0.000_000_18),
        "ap-east-1" => usd(0.000_018_300_0, 0.000_000_040_7, 0.000_000_28),
        "af-south-1" => usd(0.000_017_680_0, 0.000_000_040_4, 0.000_000_27),
        "sa-east-1" => usd(standard, 0.000_000_058_6, 0.000_000_2),
        "cn-north-1" => RegionPrices {
            duration_arm: 0.000_090_8,
            storage_arm: 0.000_000_230_3,
            request: 0.000_001_36,
            currency: "CNY",
        },
        "cn-northwest-1" => RegionPrices {
            duration_arm: 0.000_090_8,
            storage_arm: 0.000_000_204_9,
            request: 0.000_001_36,
            currency: "CNY",
        },
        _ => return None,
    })
}

/// The price of `billing_ms` of function time at `memory_mb`/`disk_mb` plus `invocations`
/// requests (unrounded).
pub fn price(
    region: &str,
    memory_mb: u32,
    disk_mb: u32,
    billing_ms: u64,
    invocations: u64,
) -> Option<f64> {
    let p = region_prices(region)?;
    let seconds = billing_ms as f64 / 1000.0;
    let duration = p.duration_arm * memory_mb as f64 * seconds / 1024.0;
    let storage = p.storage_arm * (disk_mb.saturating_sub(512)) as f64 * seconds / 1024.0;
    Some(duration + storage + p.request * invocations as f64)
}

/// One chunk's timing: when its renderer started and finished rendering (epoch ms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkSpan {
    pub start: u64,
    pub rendered: u64,
}

/// Billed milliseconds (reference §8.5): each completed chunk's time plus the overhead, plus,
/// for invoked renderers that have not completed, the time since the render started.
pub fn billing_duration_ms(
    completed: &[ChunkSpan],
    lambdas_invoked: u64,
    started_ms: u64,
    now_ms: u64,
) -> u64 {
    let done: u64 = completed
        .iter()
        .map(|c| c.rendered.saturating_sub(c.start) + OVERHEAD_TIME_PER_LAMBDA)
        .sum();
    let running = lambdas_invoked.saturating_sub(completed.len() as u64);
    done + running * now_ms.saturating_sub(started_ms)
}

/// `$0.02` / `<$0.001` / `¥0.15`: how costs are displayed (reference §8.3).
pub fn display_cost(amount: f64, currency: &str) -> String {
    let symbol = if currency == "CNY" { "¥" } else { "$" };
    if amount < 0.001 {
        format!("<{symbol}0.001")
    } else {
        format!("{symbol}{amount:.3}")
    }
}

/// Rounds like JavaScript's `Number(x.toPrecision(5))`.
pub fn to_precision_5(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let digits = 5 - 1 - x.abs().log10().floor() as i32;
    let factor = 10f64.powi(digits);
    (x * factor).round() / factor
}

/// Rounds like JavaScript's `Number(x.toFixed(5))`.
pub fn to_fixed_5(x: f64) -> f64 {
    (x * 100_000.0).round() / 100_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_worked_example() {
        // 40 chunks of 20 s in us-east-1 at 2048 MB, priced with a 10240 MB disk.
        let chunks: Vec<ChunkSpan> = (0..40)
            .map(|_| ChunkSpan {
                start: 1_000,
                rendered: 21_000,
            })
            .collect();
        let billed = billing_duration_ms(&chunks, 40, 0, 99_999);
        assert_eq!(billed, 804_000);
        let total = price("us-east-1", 2048, REMOTION_PRICED_DISK_MB, billed, 41).unwrap();
        let duration: f64 = 804.0 * 2.0 * 0.000_013_333_4;
        let storage: f64 = (10240.0 - 512.0) / 1024.0 * 804.0 * 0.000_000_030_9;
        let requests = 41.0 * 0.000_000_2;
        assert!((duration - 0.02144).abs() < 0.000_01);
        assert!((storage - 0.00024).abs() < 0.000_01);
        assert!((total - (duration + storage + requests)).abs() < 1e-12);
        assert_eq!(to_fixed_5(total), 0.02168); // "≈ $0.0217" in the reference
        assert_eq!(display_cost(total, "USD"), "$0.022");
    }

    #[test]
    fn running_renderers_bill_the_time_since_the_start() {
        let done = [ChunkSpan {
            start: 100,
            rendered: 600,
        }];
        // One completed (500 + 100) and two still running for 1000 ms each.
        assert_eq!(billing_duration_ms(&done, 3, 0, 1000), 600 + 2000);
    }

    #[test]
    fn small_costs_and_other_currencies_display_like_remotion() {
        assert_eq!(display_cost(0.0004, "USD"), "<$0.001");
        assert_eq!(display_cost(0.15, "CNY"), "¥0.150");
        assert_eq!(to_precision_5(0.000_123_456_7), 0.000_123_46);
        assert_eq!(to_precision_5(12.345_678), 12.346);
        assert!(region_prices("cn-north-1").unwrap().currency == "CNY");
        assert!(region_prices("mars-1").is_none());
    }
}
