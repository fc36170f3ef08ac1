//! Image similarity: PSNR and SSIM, for reference-image tests and `kinema` checks.
//!
//! Both compare the luma and chroma of two opaque RGB images of the same size.

/// PSNR in dB over all RGB channels (`f64::INFINITY` for identical images).
pub fn psnr(a: &[u8], b: &[u8]) -> f64 {
    assert_eq!(a.len(), b.len(), "images must have the same size");
    let mut sum = 0.0f64;
    for (x, y) in a.iter().zip(b) {
        let d = *x as f64 - *y as f64;
        sum += d * d;
    }
    if sum == 0.0 {
        return f64::INFINITY;
    }
    let mse = sum / a.len() as f64;
    10.0 * (255.0f64 * 255.0 / mse).log10()
}

/// Mean SSIM of the luma planes (BT.601 weights), over 8×8 windows with stride 4 and the
/// usual constants (K1 = 0.01, K2 = 0.03).
pub fn ssim(a: &[u8], b: &[u8], width: usize, height: usize) -> f64 {
    assert_eq!(a.len(), width * height * 3);
    assert_eq!(b.len(), width * height * 3);
    let luma = |img: &[u8]| -> Vec<f64> {
        img.chunks_exact(3)
            .map(|p| 0.299 * p[0] as f64 + 0.587 * p[1] as f64 + 0.114 * p[2] as f64)
            .collect()
    };
    let (la, lb) = (luma(a), luma(b));
    let c1 = (0.01f64 * 255.0).powi(2);
    let c2 = (0.03f64 * 255.0).powi(2);
    const WINDOW: usize = 8;
    const STRIDE: usize = 4;
    if width < WINDOW || height < WINDOW {
        return if la == lb { 1.0 } else { 0.0 };
    }
    let mut total = 0.0;
    let mut count = 0usize;
    let mut y = 0;
    while y + WINDOW <= height {
        let mut x = 0;
        while x + WINDOW <= width {
            let (mut sa, mut sb, mut saa, mut sbb, mut sab) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for wy in 0..WINDOW {
                let row = (y + wy) * width + x;
                for i in row..row + WINDOW {
                    let (p, q) = (la[i], lb[i]);
                    sa += p;
                    sb += q;
                    saa += p * p;
                    sbb += q * q;
                    sab += p * q;
                }
            }
            let n = (WINDOW * WINDOW) as f64;
            let (ma, mb) = (sa / n, sb / n);
            let va = saa / n - ma * ma;
            let vb = sbb / n - mb * mb;
            let cov = sab / n - ma * mb;
            total += ((2.0 * ma * mb + c1) * (2.0 * cov + c2))
                / ((ma * ma + mb * mb + c1) * (va + vb + c2));
            count += 1;
            x += STRIDE;
        }
        y += STRIDE;
    }
    total / count as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_images_score_perfectly() {
        let img: Vec<u8> = (0..16 * 16 * 3).map(|i| (i * 7 % 251) as u8).collect();
        assert_eq!(psnr(&img, &img), f64::INFINITY);
        assert!((ssim(&img, &img, 16, 16) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn differences_lower_the_scores() {
        let a = vec![100u8; 16 * 16 * 3];
        let mut b = a.clone();
        b[0] = 110;
        let p = psnr(&a, &b);
        // one channel off by 10 in 768: MSE = 100/768
        assert!((p - 10.0 * (255.0f64.powi(2) * 768.0 / 100.0).log10()).abs() < 1e-9);
        let noisy: Vec<u8> = (0..16 * 16 * 3)
            .map(|i| if i % 2 == 0 { 0 } else { 200 })
            .collect();
        assert!(ssim(&a, &noisy, 16, 16) < 0.5);
    }
}
