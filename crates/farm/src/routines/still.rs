//! `still` (reference §9.1): one frame rendered to an image in the bucket.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::{ExtendedColorType, ImageEncoder};
use kinema_paint::FrameRenderer;
use serde_json::{Value, json};

use crate::bucket::PutOptions;
use crate::error::FarmError;
use crate::function::Context;
use crate::payload::{DownloadBehavior, OutNameInput, StillPayload, parse};
use crate::progress::{Dimensions, OverallRenderProgress, RenderMetadata};

pub fn run(context: &mut Context<'_>, payload: &Value) -> Result<Value, FarmError> {
    let request: StillPayload = parse(payload)?;
    context.check_version("renderStillOnLambda()", request.version.as_deref())?;
    let started = crate::util::now_ms();
    let format = request.image_format.as_str();
    if !["png", "jpeg", "webp"].contains(&format) {
        return Err(FarmError::field(
            "imageFormat",
            format!("\"{format}\" is not supported: use png, jpeg or webp"),
        ));
    }
    super::validate::privacy(&request.privacy)?;
    super::validate::scale(request.scale)?;
    super::validate::overrides(&request.force.overrides())?;
    super::validate::delete_after(request.delete_after.as_deref())?;
    let bucket = context.bucket_or_default(request.bucket_name.as_deref())?;
    let render_id = match &request.delete_after {
        Some(after) => format!("{after}-{}", crate::util::random_id(10)),
        None => crate::util::random_id(10),
    };
    let extension = if format == "jpeg" { "jpeg" } else { format };
    let (out_bucket_name, out_key) = match &request.out_name {
        None => (
            bucket.name().to_string(),
            format!("renders/{render_id}/out.{extension}"),
        ),
        Some(OutNameInput::Name(name)) => {
            crate::bucket::validate_key(name)
                .map_err(|e| FarmError::field("outName", e.to_string()))?;
            (
                bucket.name().to_string(),
                format!("renders/{render_id}/{name}"),
            )
        }
        Some(OutNameInput::Custom { bucket_name, key }) => {
            crate::bucket::validate_key(key)
                .map_err(|e| FarmError::field("outName.key", e.to_string()))?;
            (bucket_name.clone(), key.clone())
        }
    };
    let out_bucket = context.storage.bucket(&out_bucket_name)?;
    let props = request.input_props.resolve(context.storage)?;
    let bucket_name = bucket.name().to_string();
    let scene = super::renderer::prepare_scene(
        context,
        &super::renderer::SceneSpec {
            bucket_name: &bucket_name,
            serve_url: &request.serve_url,
            composition: &request.composition,
            props: &props,
            scale: request.scale,
            overrides: &request.force.overrides(),
            env: &request.env_variables,
            resolved: None,
        },
    )?;
    let duration = scene.info.duration_in_frames as i64;
    let frame = if request.frame < 0 {
        duration + request.frame
    } else {
        request.frame
    };
    if frame < 0 || frame >= duration {
        return Err(FarmError::field(
            "frame",
            format!(
                "{} is outside composition \"{}\", which has frames 0 to {}",
                request.frame,
                scene.info.id,
                duration - 1
            ),
        ));
    }
    let frame = frame as u32;
    let tree = scene.engine.render_frame(frame)?;
    let image = scene.renderer.render(&tree)?;
    let (width, height) = (image.width, image.height);
    let info = scene.info.clone();
    let mut bytes = Vec::new();
    let encoded = match format {
        "png" => PngEncoder::new(Cursor::new(&mut bytes)).write_image(
            &image.pixels,
            width,
            height,
            ExtendedColorType::Rgba8,
        ),
        "webp" => WebPEncoder::new_lossless(Cursor::new(&mut bytes)).write_image(
            &image.pixels,
            width,
            height,
            ExtendedColorType::Rgba8,
        ),
        _ => JpegEncoder::new_with_quality(
            Cursor::new(&mut bytes),
            request.jpeg_quality.unwrap_or(80),
        )
        .write_image(
            &image.flattened([0, 0, 0]),
            width,
            height,
            ExtendedColorType::Rgb8,
        ),
    };
    encoded.map_err(|e| FarmError::Render(format!("cannot encode the {format} image: {e}")))?;
    out_bucket.put(&out_key, &bytes, &PutOptions::default())?;
    if let Some((b, key)) = request.input_props.uploaded()
        && let Ok(b) = context.storage.bucket(b)
    {
        let _ = b.delete(&key);
    }
    let end = crate::util::now_ms();
    let billed = end - started + crate::cost::OVERHEAD_TIME_PER_LAMBDA;
    let config = context.config;
    let price = crate::cost::price(
        &config.region,
        config.memory_size_in_mb,
        config.disk_size_in_mb,
        billed,
        1,
    )
    .map(crate::cost::to_precision_5)
    .unwrap_or(0.0);
    let currency = crate::cost::region_prices(&config.region).map_or("USD", |p| p.currency);
    let estimated_price = json!({
        "accruedSoFar": price,
        "displayCost": crate::cost::display_cost(price, currency),
        "currency": currency,
        "disclaimer": crate::status::PROGRESS_DISCLAIMER,
    });
    let mut progress = OverallRenderProgress::initial(started, context.deadline_ms, false);
    progress.render_metadata = Some(RenderMetadata {
        kind: "still".into(),
        image_format: format.into(),
        codec: None,
        muted: true,
        frame_range: [frame, frame],
        every_nth_frame: 1,
        site_id: request.serve_url.clone(),
        started_date: started,
        total_chunks: 1,
        estimated_total_lambda_invokations: 1,
        estimated_render_lambda_invokations: 1,
        composition_id: info.id.clone(),
        audio_codec: None,
        input_props: serde_json::to_value(&request.input_props).unwrap_or(Value::Null),
        frames_per_lambda: 1,
        memory_size_in_mb: config.memory_size_in_mb,
        disk_size_in_mb: config.disk_size_in_mb,
        function_name: context.function_name.clone(),
        renderer_function_name: None,
        lambda_version: config.version.clone(),
        region: config.region.clone(),
        render_id: render_id.clone(),
        out_name: request
            .out_name
            .as_ref()
            .map(|o| serde_json::to_value(o).unwrap_or(Value::Null)),
        output_file_is_conditional: false,
        privacy: request.privacy.clone(),
        delete_after: request.delete_after.clone(),
        number_of_gif_loops: None,
        audio_bitrate: None,
        download_behavior: serde_json::to_value(
            request
                .download_behavior
                .clone()
                .unwrap_or(DownloadBehavior::PlayInBrowser),
        )
        .unwrap_or(Value::Null),
        metadata: None,
        dimensions: Dimensions { width, height },
        scale: request.scale,
        frame_count: 1,
        out_bucket: out_bucket_name.clone(),
        out_key: out_key.clone(),
    });
    progress.launch_finished = Some(end);
    progress.write(bucket.as_ref(), &render_id)?;
    let url = out_bucket.url(&out_key);
    Ok(json!({
        "type": "success",
        "output": url,
        "url": url,
        "outKey": out_key,
        "outBucket": out_bucket_name,
        "size": bytes.len(),
        "sizeInBytes": bytes.len(),
        "bucketName": bucket_name,
        "estimatedPrice": estimated_price,
        "renderId": render_id,
        "receivedArtifacts": [],
        "frame": frame,
        "width": width,
        "height": height,
        "renderInfo": {
            "renderId": render_id,
            "bucketName": bucket_name,
            "outKey": out_key,
            "compositionId": info.id,
            "frame": frame,
            "width": width,
            "height": height,
            "imageFormat": format,
            "timeToRenderInMilliseconds": end - started,
        },
    }))
}
