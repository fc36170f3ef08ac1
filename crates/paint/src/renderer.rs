//! The frame renderer: a long-lived Blitz document per render thread, updated frame by frame.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::backdrop::BackdropTracker;
use crate::clock::thread_cpu;

use anyrender::PaintScene;
use anyrender::recording::RenderCommand;
use blitz_dom::node::{ImageData, SpecialElementData};
use blitz_dom::{DocumentConfig, NodeId, StyleThreading};
use blitz_html::HtmlDocument;
use blitz_traits::net::{NetHandler, NetProvider, Request};
use blitz_traits::shell::{ColorScheme, Viewport};
use kinema_compose::FrameTree;
use kurbo::Affine;
use peniko::Fill;

use crate::damage::{self, DamageTracker, FontBoxes, Grid, PixelRect, Plan, TileRect};
use crate::diff::{DiffStats, Differ, Mirror, MirrorNode};
use crate::error::PaintError;
use crate::fonts::{self, FontLibrary};
use crate::frame::{Frame, unpremultiply};
use crate::raster::{Prepared, Rasterizer};
use crate::resources::{BASE_URL, LoadFailure, ResourceLoader, ResourceOptions, display_src};
use crate::scene::{KinemaScene, ShadowTable};
use crate::shadow_cache::{GlyphShadowCache, ShadowCache};
use crate::text_shadow::{self, Mark};
use crate::video::VideoFrames;

/// Largest side, in pixels, of a painted frame (the rasteriser addresses pixels with 16 bits).
pub const MAX_SIDE: u32 = 16_384;

/// Turns element trees into frames. One per render thread.
pub trait FrameRenderer {
    /// Paint one frame.
    fn render(&mut self, tree: &FrameTree) -> Result<Frame, PaintError>;
}

/// How a [`BlitzRenderer`] paints.
#[derive(Debug, Clone)]
pub struct PaintOptions {
    /// Device pixels per CSS pixel (`--scale`).
    pub scale: f64,
    /// Where images, fonts and stylesheets come from.
    pub resources: ResourceOptions,
    /// Extra font files (the project's), on top of the font folders.
    pub font_files: Vec<PathBuf>,
    /// Rasterise only what changed since the renderer's last frame (the pixels are the same
    /// either way up to rasteriser rounding, a step or two of 255 at shape edges; off is for
    /// checking that).
    pub damage_tracking: bool,
    /// Lend frames ([`BlitzRenderer::paint`]) with premultiplied alpha, as rasterised, instead
    /// of straight: video without alpha composites them over black for free, and skips a pass
    /// over every changed pixel. [`FrameRenderer::render`] always gives straight alpha.
    pub premultiplied: bool,
    /// The ffmpeg that decodes `<Video>` pictures (`None`: `ffmpeg` on the PATH).
    pub ffmpeg: Option<PathBuf>,
}

impl Default for PaintOptions {
    fn default() -> Self {
        PaintOptions {
            scale: 1.0,
            resources: ResourceOptions::default(),
            font_files: Vec::new(),
            damage_tracking: true,
            premultiplied: false,
            ffmpeg: None,
        }
    }
}

impl PaintOptions {
    /// Options for a project: its `public/` folder serves `staticFile()` paths and its font
    /// files are registered.
    pub fn for_public_dir(public_dir: Option<PathBuf>) -> PaintOptions {
        let font_files = public_dir
            .as_deref()
            .map(fonts::project_font_files)
            .unwrap_or_default();
        PaintOptions {
            resources: ResourceOptions {
                public_dir,
                ..ResourceOptions::default()
            },
            font_files,
            ..PaintOptions::default()
        }
    }
}

/// Thread CPU time spent in each phase of the last frame.
#[derive(Debug, Default, Clone, Copy)]
pub struct PhaseTimes {
    /// Comparing trees and mutating the document.
    pub diff: Duration,
    /// Style resolution and layout (including resource loading).
    pub layout: Duration,
    /// Walking the document into drawing commands.
    pub paint: Duration,
    /// Rasterising the commands into pixels.
    pub raster: Duration,
}

/// How much of the last frame was rasterised.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum DamageStats {
    /// All of it.
    #[default]
    Full,
    /// Nothing: it looked like the frame before.
    Unchanged,
    /// Only what changed: this many pixels.
    Regions { pixels: u64 },
}

/// The Blitz-backed renderer.
pub struct BlitzRenderer {
    options: PaintOptions,
    fonts: Arc<FontLibrary>,
    /// Fonts for inline SVG text: the library's and the project's (built on first use).
    svg_fonts: Option<Arc<usvg::fontdb::Database>>,
    loader: Arc<CountingLoader>,
    live: Option<LiveDocument>,
    /// The rasteriser and its scene's current size (a whole frame, or one changed rectangle).
    raster: Rasterizer,
    times: PhaseTimes,
    diff_stats: DiffStats,
    /// The project's own font files (read once, for the missing-family check and SVG text).
    project_fonts: FontLibrary,
    box_shadows: ShadowCache,
    text_shadows: GlyphShadowCache,
    damage: DamageTracker,
    backdrop: BackdropTracker,
    /// Whether the last frame was rasterised over a backdrop.
    over_backdrop: bool,
    font_boxes: FontBoxes,
    last_plan: DamageStats,
    /// The last frame (straight alpha unless [`PaintOptions::premultiplied`]), kept so that
    /// only changed regions are rasterised and converted.
    pixels: Vec<u8>,
    /// Where a frame's changed regions are rasterised (premultiplied) in a whole-frame scene
    /// (when a filter reaches them) before they are copied into `pixels`.
    scratch: Vec<u8>,
    /// The id of the frame `straight` holds, if any.
    frame_id: Option<u64>,
    /// What changed in `straight` with the last frame: `None` when all of it may have.
    changed: Option<Vec<[u32; 4]>>,
    /// The videos' decoders (made at the first `<Video>`).
    videos: Option<VideoFrames>,
}

/// Frame ids, unique in the process, so that a consumer of [`FrameRef::changed_since`] can
/// tell which frame the changes are relative to.
static NEXT_FRAME_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

struct LiveDocument {
    doc: HtmlDocument,
    root: NodeId,
    mirror: Mirror,
    width: u32,
    height: u32,
    marks: Vec<Mark>,
    /// Font families already checked for being installed.
    known_families: std::collections::HashSet<String>,
}

/// Counts the fetches it answers, so the renderer knows when to resolve again.
struct CountingLoader {
    inner: ResourceLoader,
    fetches: AtomicUsize,
}

impl NetProvider for CountingLoader {
    fn fetch(&self, doc_id: usize, request: Request, handler: Box<dyn NetHandler>) {
        self.fetches.fetch_add(1, Ordering::SeqCst);
        self.inner.fetch(doc_id, request, handler);
    }
}

impl BlitzRenderer {
    pub fn new(options: PaintOptions) -> Result<BlitzRenderer, PaintError> {
        for path in &options.font_files {
            if let Err(e) = std::fs::metadata(path) {
                return Err(PaintError::Font {
                    path: path.clone(),
                    reason: e.to_string(),
                });
            }
        }
        let loader = Arc::new(CountingLoader {
            inner: ResourceLoader::new(options.resources.clone()),
            fetches: AtomicUsize::new(0),
        });
        let project_fonts = FontLibrary::scan_files(&options.font_files);
        Ok(BlitzRenderer {
            box_shadows: ShadowCache::default(),
            text_shadows: GlyphShadowCache::default(),
            damage: DamageTracker::default(),
            backdrop: BackdropTracker::default(),
            over_backdrop: false,
            font_boxes: FontBoxes::default(),
            last_plan: DamageStats::Full,
            pixels: Vec::new(),
            scratch: Vec::new(),
            frame_id: None,
            changed: None,
            project_fonts,
            fonts: FontLibrary::system(),
            svg_fonts: None,
            options,
            loader,
            live: None,
            raster: Rasterizer::default(),
            times: PhaseTimes::default(),
            diff_stats: DiffStats::default(),
            videos: None,
        })
    }

    /// Phase times of the last frame.
    pub fn phase_times(&self) -> PhaseTimes {
        self.times
    }

    /// How much of the last frame was rasterised.
    pub fn damage_stats(&self) -> DamageStats {
        self.last_plan
    }

    /// Whether the last frame was rasterised over a backdrop: the unchanging bottom of its
    /// drawing (a background gradient), kept as pixels from earlier frames.
    pub fn drew_over_backdrop(&self) -> bool {
        self.over_backdrop
    }

    /// What the last diff changed.
    pub fn diff_stats(&self) -> DiffStats {
        self.diff_stats
    }

    fn device_size(&self, tree: &FrameTree) -> Result<(u32, u32), PaintError> {
        let scale = self.options.scale;
        let w = (tree.width as f64 * scale).round();
        let h = (tree.height as f64 * scale).round();
        let ok = |v: f64| v >= 1.0 && v <= MAX_SIDE as f64;
        if !(scale.is_finite() && scale > 0.0 && ok(w) && ok(h)) {
            return Err(PaintError::Size {
                frame: tree.frame,
                width: tree.width,
                height: tree.height,
                scale,
                max: MAX_SIDE,
            });
        }
        Ok((w as u32, h as u32))
    }

    fn new_document(&self, width: u32, height: u32) -> LiveDocument {
        let scale = self.options.scale;
        let physical = (
            (width as f64 * scale).round() as u32,
            (height as f64 * scale).round() as u32,
        );
        let config = DocumentConfig {
            viewport: Some(Viewport::new(
                physical.0,
                physical.1,
                scale as f32,
                ColorScheme::Light,
            )),
            base_url: Some(BASE_URL.to_string()),
            net_provider: Some(self.loader.clone() as Arc<dyn NetProvider>),
            // `dangerouslySetInnerHTML` arrives as an HTML string.
            html_parser_provider: Some(Arc::new(blitz_html::HtmlProvider)),
            font_ctx: Some(self.fonts.font_context(&self.options.font_files)),
            style_threading: StyleThreading::Sequential,
            ..Default::default()
        };
        let html = crate::html::page_html(width, height, "");
        let doc = HtmlDocument::from_html(&html, config);
        let root = doc
            .get_element_by_id("kinema-root")
            .expect("the page template has a #kinema-root element");
        LiveDocument {
            doc,
            root,
            mirror: Mirror::default(),
            width,
            height,
            marks: Vec::new(),
            known_families: Default::default(),
        }
    }

    /// Load whatever the document asked for and resolve styles and layout until nothing new
    /// arrives (fonts and images can be discovered while styling).
    fn resolve(live: &mut LiveDocument, loader: &CountingLoader) {
        for _ in 0..4 {
            let before = loader.fetches.load(Ordering::SeqCst);
            live.doc.handle_messages();
            live.doc.resolve(0.0);
            if loader.fetches.load(Ordering::SeqCst) == before {
                break;
            }
        }
        live.doc.handle_messages();
    }

    fn check_images(
        live: &LiveDocument,
        new_images: &[(NodeId, String)],
        failures: Vec<LoadFailure>,
        frame: u32,
    ) -> Result<(), PaintError> {
        if let Some(failure) = failures.into_iter().next() {
            return Err(PaintError::Resource {
                frame,
                src: display_src(&failure.url),
                reason: failure.reason,
            });
        }
        for (id, src) in new_images {
            let Some(node) = live.doc.get_node(*id) else {
                continue;
            };
            if !node.flags.is_in_document() || src.is_empty() {
                continue;
            }
            let loaded = node
                .element_data()
                .is_some_and(|e| e.image_data().is_some());
            if !loaded {
                return Err(PaintError::Resource {
                    frame,
                    src: src.clone(),
                    reason:
                        "the file is not an image Kinema can decode (PNG, JPEG, WebP, GIF or SVG)"
                            .to_string(),
                });
            }
        }
        Ok(())
    }

    /// Gives each video node its picture at this frame; whether a picture's size changed
    /// (the layout then changes too).
    fn show_videos(
        &mut self,
        live: &mut LiveDocument,
        tree: &FrameTree,
        videos: &[(NodeId, usize)],
    ) -> Result<bool, PaintError> {
        let mut resized = false;
        for &(node, index) in videos {
            let Some(media) = tree.media.get(index) else {
                continue;
            };
            let decoders = self.videos.get_or_insert_with(|| {
                let ffmpeg = self.options.ffmpeg.clone().unwrap_or("ffmpeg".into());
                VideoFrames::new(ffmpeg, &self.options.resources)
            });
            let image = decoders
                .picture(media)
                .map_err(|reason| PaintError::Resource {
                    frame: tree.frame,
                    src: display_src(&media.src),
                    reason,
                })?;
            let Some(element) = live
                .doc
                .get_node_mut(node)
                .and_then(|node| node.element_data_mut())
            else {
                continue;
            };
            let before = match element.image_data() {
                Some(ImageData::Raster(shown)) => Some((shown.width, shown.height)),
                _ => None,
            };
            resized |= before != Some((image.width, image.height));
            element.special_data = SpecialElementData::Image(Box::new(ImageData::Raster(image)));
        }
        if let Some(decoders) = &mut self.videos {
            decoders.finish_frame();
        }
        Ok(resized)
    }

    /// Warn once about `font-family` names that nothing provides: not installed, not one of
    /// the project's font files, not declared by an `@font-face` rule.
    fn check_font_families(&self, live: &mut LiveDocument) {
        use style::values::computed::font::SingleFontFamily;
        // (missing family, what draws instead)
        let mut unknown: Vec<(String, String)> = Vec::new();
        for (_, node) in live.doc.tree().iter() {
            let Some(style) = node.primary_styles() else {
                continue;
            };
            let mut missing = Vec::new();
            let mut fallback = None;
            for family in style.get_font().font_family.families.iter() {
                let name = match family {
                    SingleFontFamily::FamilyName(name) => name.name.to_string(),
                    SingleFontFamily::Generic(generic) => {
                        let css = generic_css_name(generic);
                        fallback = Some(self.fonts.generic(&css).map_or(css, str::to_string));
                        break;
                    }
                };
                if live.known_families.contains(&name) {
                    fallback = Some(name);
                    break;
                }
                if self.fonts.concrete(&name).is_some() {
                    live.known_families.insert(name.clone());
                    fallback = Some(name);
                    break;
                }
                missing.push(name);
            }
            let fallback = fallback.unwrap_or_else(|| {
                self.fonts
                    .generic(fonts::DEFAULT_FAMILY)
                    .unwrap_or(fonts::DEFAULT_FAMILY)
                    .to_string()
            });
            unknown.extend(missing.into_iter().map(|m| (m, fallback.clone())));
        }
        if unknown.is_empty() {
            return;
        }
        let declared = font_face_families(&live.mirror.children);
        for (name, fallback) in unknown {
            let provided = declared.iter().any(|d| d.eq_ignore_ascii_case(&name))
                || self.project_fonts.has_family(&name);
            if !provided {
                fonts::warn_missing_family(&name, &fallback);
            }
            live.known_families.insert(name);
        }
    }
}

fn generic_css_name(generic: &style::values::computed::font::GenericFontFamily) -> String {
    use style::values::computed::font::GenericFontFamily as G;
    match generic {
        G::Serif => "serif",
        G::SansSerif => "sans-serif",
        G::Monospace => "monospace",
        G::Cursive => "cursive",
        G::Fantasy => "fantasy",
        G::SystemUi => "system-ui",
        _ => "serif",
    }
    .to_string()
}

/// Family names declared by `@font-face` rules in the tree's `<style>` elements.
fn font_face_families(nodes: &[MirrorNode]) -> Vec<String> {
    let mut found = Vec::new();
    for node in nodes {
        let MirrorNode::Element { tag, children, .. } = node else {
            continue;
        };
        if tag == "style" {
            for child in children {
                if let MirrorNode::Text { text, .. } = child {
                    for block in text.split("@font-face").skip(1) {
                        let body = block.split('}').next().unwrap_or("");
                        if let Some(value) = body.split(';').find_map(|d| {
                            d.trim()
                                .trim_start_matches('{')
                                .trim()
                                .strip_prefix("font-family")
                        }) {
                            let value = value.trim_start().trim_start_matches(':').trim();
                            found.push(css_unescape(value.trim_matches(|c| c == '"' || c == '\'')));
                        }
                    }
                }
            }
        } else {
            found.extend(font_face_families(children));
        }
    }
    found
}

/// A CSS string's content with its escapes resolved: `\"` is `"`, `\a ` a newline.
fn css_unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let mut hex = String::new();
        while hex.len() < 6 && chars.peek().is_some_and(char::is_ascii_hexdigit) {
            hex.extend(chars.next());
        }
        if hex.is_empty() {
            out.extend(chars.next());
        } else {
            // One whitespace after a hex escape belongs to the escape.
            if chars.peek().is_some_and(|c| c.is_ascii_whitespace()) {
                chars.next();
            }
            let code = u32::from_str_radix(&hex, 16).unwrap_or(0xFFFD);
            out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
        }
    }
    out
}

impl FrameRenderer for BlitzRenderer {
    fn render(&mut self, tree: &FrameTree) -> Result<Frame, PaintError> {
        let frame = self.paint(tree)?;
        let mut pixels = frame.pixels.to_vec();
        if frame.premultiplied {
            unpremultiply(&mut pixels);
        }
        Ok(Frame {
            width: frame.width,
            height: frame.height,
            pixels,
        })
    }
}

/// A painted frame lent by its renderer until the next one is painted.
#[derive(Debug, Clone, Copy)]
pub struct FrameRef<'a> {
    pub width: u32,
    pub height: u32,
    /// RGBA, 8 bits per channel, rows top to bottom; straight alpha unless `premultiplied`.
    pub pixels: &'a [u8],
    /// Whether `pixels` are premultiplied by alpha ([`PaintOptions::premultiplied`]).
    pub premultiplied: bool,
    /// This frame's id, unique among the frames painted in this process.
    pub id: u64,
    /// When damage tracking knows: the id of the frame this renderer painted before, and the
    /// pixel rectangles `[x0, y0, x1, y1]` (disjoint; none if nothing changed) outside which
    /// this frame's pixels are that frame's, byte for byte.
    pub changed_since: Option<(u64, &'a [[u32; 4]])>,
}

impl<'a> FrameRef<'a> {
    /// This frame as an encoder takes it, with what changed since the last one.
    pub fn for_encoder(self) -> kinema_encode::RgbaFrame<'a> {
        kinema_encode::RgbaFrame {
            width: self.width,
            height: self.height,
            pixels: self.pixels,
            alpha: kinema_encode::Alpha::premultiplied_if(self.premultiplied),
            changes: kinema_encode::FrameChanges::tracked(self.id, self.changed_since),
        }
    }
}

impl BlitzRenderer {
    /// Make `regions` of the kept frame straight-alpha unless lent premultiplied.
    fn unpremultiply_regions(&mut self, regions: &[PixelRect], device_w: u32) {
        if self.options.premultiplied {
            return;
        }
        for r in regions {
            for y in r.y0..r.y1 {
                let row = y as usize * device_w as usize;
                unpremultiply(
                    &mut self.pixels[(row + r.x0 as usize) * 4..(row + r.x1 as usize) * 4],
                );
            }
        }
    }

    /// Paint one frame and lend it, without copying it out of the renderer (which keeps it to
    /// repaint only what changes in the next frame).
    pub fn paint(&mut self, tree: &FrameTree) -> Result<FrameRef<'_>, PaintError> {
        let (device_w, device_h) = self.device_size(tree)?;
        let started = thread_cpu();
        if self
            .live
            .as_ref()
            .is_none_or(|l| l.width != tree.width || l.height != tree.height)
        {
            self.live = Some(self.new_document(tree.width, tree.height));
            self.damage.forget();
            self.backdrop.forget();
        }
        let mut live = self.live.take().expect("document was just created");
        let result = self.render_into(&mut live, tree, (device_w, device_h), started);
        self.live = Some(live);
        result?;
        let id = NEXT_FRAME_ID.fetch_add(1, Ordering::Relaxed);
        let previous = self.frame_id.replace(id);
        Ok(FrameRef {
            width: device_w,
            height: device_h,
            pixels: &self.pixels,
            premultiplied: self.options.premultiplied,
            id,
            changed_since: previous.zip(self.changed.as_deref()),
        })
    }

    fn render_into(
        &mut self,
        live: &mut LiveDocument,
        tree: &FrameTree,
        (device_w, device_h): (u32, u32),
        started: Duration,
    ) -> Result<(), PaintError> {
        // Remove last frame's text-shadow marks so the diff sees the tree's own styles.
        let marks = std::mem::take(&mut live.marks);
        let (stats, new_images, videos) = {
            let mut mutator = live.doc.mutate();
            for mark in &marks {
                match &mark.inline_color {
                    Some(color) => mutator.set_style_property(mark.node, "color", color),
                    None => mutator.remove_style_property(mark.node, "color"),
                }
            }
            let mut differ = Differ {
                mutator,
                fonts: &self.fonts,
                stats: DiffStats::default(),
                new_images: Vec::new(),
                videos: Vec::new(),
            };
            differ.sync_root(live.root, &mut live.mirror, &tree.root);
            let Differ {
                mutator,
                stats,
                new_images,
                videos,
                ..
            } = differ;
            drop(mutator);
            (stats, new_images, videos)
        };
        self.diff_stats = stats;
        let resized = self.show_videos(live, tree, &videos)?;
        if stats.text_changes > 0 || stats.created > 0 || stats.removed > 0 || resized {
            forget_layout(&mut live.doc);
        }
        let diffed = thread_cpu();

        Self::resolve(live, &self.loader);
        let failures = self.loader.inner.take_failures();
        Self::check_images(live, &new_images, failures, tree.frame)?;

        // Text shadows: mark the text that has them and restyle those elements.
        let shadowed = text_shadow::find_shadowed_text(&live.doc);
        let mut table = ShadowTable::new();
        if !shadowed.is_empty() {
            let mut mutator = live.doc.mutate();
            for (index, (node, text)) in shadowed.iter().enumerate() {
                let inline_color = inline_color_of(&live.mirror, *node);
                mutator.set_style_property(
                    *node,
                    "color",
                    &text_shadow::marker_css(text.color, index),
                );
                live.marks.push(Mark {
                    node: *node,
                    inline_color,
                });
            }
            drop(mutator);
            live.doc.resolve(0.0);
            table = text_shadow::build_table(&live.doc, &shadowed);
        }
        let (doc, mirror) = (&mut *live.doc, &mut live.mirror);
        self.diff_stats.svg_layers_reused =
            crate::svg::install(doc, mirror, tree.frame, &mut || {
                self.svg_fonts
                    .get_or_insert_with(|| {
                        crate::svg::font_database(&self.fonts, &self.project_fonts)
                    })
                    .clone()
            });
        let resolved = thread_cpu();
        if stats.created > 0 || stats.style_changes > 0 || stats.attribute_changes > 0 {
            self.check_font_families(live);
        }

        // Record the frame's drawing commands, then rasterise what changed since the last frame.
        let mut recording = anyrender::recording::Scene::new();
        {
            let mut scene = KinemaScene::new(
                &mut recording,
                &table,
                &mut self.box_shadows,
                &mut self.text_shadows,
                self.options.scale,
            );
            blitz_paint::paint_scene(
                &mut scene,
                &mut live.doc,
                self.options.scale,
                device_w,
                device_h,
                0,
                0,
            );
            scene.finish();
        }
        self.box_shadows.end_frame();
        self.text_shadows.end_frame();
        // Motion too small to see (a spring still ringing long after it looks settled) must
        // not make a frame differ from the last.
        crate::snap::snap_commands(&mut recording.commands);
        let grid = Grid::new(device_w, device_h);
        let analysis = damage::analyse(&recording.commands, grid, &mut self.font_boxes);
        let (plan, tiles) = if self.options.damage_tracking {
            self.damage.plan(&analysis)
        } else {
            (Plan::Full, Vec::new())
        };
        let painted = thread_cpu();

        let size = device_w as usize * device_h as usize * 4;
        let (box_shadows, text_shadows) = (&self.box_shadows, &self.text_shadows);
        let prepared = |blob: u64| {
            box_shadows
                .pixmap(blob)
                .or_else(|| text_shadows.pixmap(blob))
        };
        let (frame_w, frame_h) = (device_w as u16, device_h as u16);
        let all = 0..recording.commands.len();
        // The unchanging bottom of the frame, drawn from a kept image (see `backdrop`).
        let over = if self.options.damage_tracking {
            self.backdrop.select(&analysis, grid)
        } else {
            None
        };
        self.over_backdrop = false;
        match &plan {
            Plan::Unchanged => {}
            Plan::Full => {
                self.pixels.resize(size, 0);
                self.over_backdrop = over.is_some();
                if over.is_some() {
                    let mut target = RectangleTarget {
                        raster: &mut self.raster,
                        backdrop: &mut self.backdrop,
                        pixels: &mut self.pixels,
                        frame: (frame_w, frame_h),
                    };
                    let whole = (grid.pixels_of(grid.all()), grid.all());
                    target.paint(&recording.commands, &analysis, &prepared, over, whole);
                } else {
                    self.raster
                        .render(frame_w, frame_h, &mut self.pixels, &prepared, |scene| {
                            damage::replay(scene, &recording.commands, &analysis, all, None, (0, 0))
                        });
                }
                if !self.options.premultiplied {
                    unpremultiply(&mut self.pixels);
                }
            }
            Plan::Regions(regions) if !analysis.filters_reach(&tiles) => {
                self.over_backdrop = over.is_some();
                // Each rectangle is rasterised in a scene of its own size, straight into the
                // kept frame: the rasteriser writes every pixel of its scene, so a frame-sized
                // scene clipped to the rectangles would cost a whole frame's memory traffic.
                let mut target = RectangleTarget {
                    raster: &mut self.raster,
                    backdrop: &mut self.backdrop,
                    pixels: &mut self.pixels,
                    frame: (frame_w, frame_h),
                };
                for (region, tile) in regions.iter().zip(&tiles) {
                    target.paint(
                        &recording.commands,
                        &analysis,
                        &prepared,
                        over,
                        (*region, *tile),
                    );
                }
                self.unpremultiply_regions(regions, device_w);
            }
            Plan::Regions(regions) => {
                // A filter (a blur) reads pixels around the rectangles, so they are rasterised
                // in the whole frame's scene, clipped to them.
                self.scratch.resize(size, 0);
                let clip = damage::clip_path(regions);
                self.raster
                    .render(frame_w, frame_h, &mut self.scratch, &prepared, |scene| {
                        scene.push_layer(
                            Fill::NonZero,
                            peniko::BlendMode::default(),
                            1.0,
                            Affine::IDENTITY,
                            &clip,
                            None,
                            None,
                        );
                        damage::replay(
                            scene,
                            &recording.commands,
                            &analysis,
                            all,
                            Some(&tiles),
                            (0, 0),
                        );
                        scene.pop_layer();
                    });
                damage::copy_regions(&self.scratch, &mut self.pixels, device_w, regions);
                self.unpremultiply_regions(regions, device_w);
            }
        }
        self.raster.end_frame();
        self.changed = match &plan {
            Plan::Full => None,
            Plan::Unchanged => Some(Vec::new()),
            Plan::Regions(regions) => {
                Some(regions.iter().map(|r| [r.x0, r.y0, r.x1, r.y1]).collect())
            }
        };
        self.last_plan = match plan {
            Plan::Full => DamageStats::Full,
            Plan::Unchanged => DamageStats::Unchanged,
            Plan::Regions(regions) => DamageStats::Regions {
                pixels: regions
                    .iter()
                    .map(|r| (r.x1 - r.x0) as u64 * (r.y1 - r.y0) as u64)
                    .sum(),
            },
        };
        let done = thread_cpu();
        self.times = PhaseTimes {
            diff: diffed - started,
            layout: resolved - diffed,
            paint: painted - resolved,
            raster: done - painted,
        };
        Ok(())
    }
}

/// The kept frame, for rasterising rectangles of it in place.
struct RectangleTarget<'a> {
    raster: &'a mut Rasterizer,
    backdrop: &'a mut BackdropTracker,
    /// The kept frame, premultiplied while it is painted.
    pixels: &'a mut [u8],
    frame: (u16, u16),
}

impl RectangleTarget<'_> {
    /// Rasterise the pixels `region` (covering `tiles`) in a scene of its own size: over the
    /// backdrop when there is one (`over`: the first command drawn over it), else cleared.
    fn paint(
        &mut self,
        commands: &[RenderCommand],
        analysis: &damage::Analysis,
        prepared: Prepared<'_>,
        over: Option<usize>,
        (region, tiles): (PixelRect, TileRect),
    ) {
        let start = match over {
            Some(end) => {
                self.backdrop
                    .prepare(tiles, self.raster, commands, analysis, end, prepared);
                self.backdrop.copy_to(self.pixels, region);
                end
            }
            None => {
                damage::clear_region(self.pixels, self.frame.0 as u32, region);
                0
            }
        };
        damage::rasterise_region(
            self.raster,
            self.pixels,
            self.frame,
            commands,
            analysis,
            start..commands.len(),
            (region, tiles),
            prepared,
        );
    }
}

/// Clear every node's cached layout, so the next resolve lays the document out afresh.
///
/// Blitz keeps each node's layout (and its text's measured widths) between resolves and clears
/// what a change touches. After a text change that is not enough: a sibling of the changed
/// text's element can keep a stale result and lay out wrongly for that frame — in the data
/// video benchmark, "Year to date" wrapped word by word on each frame whose figures changed
/// (60 of 300 frames), where a fresh renderer laid it on one line. Laying out afresh costs
/// ~0.04 ms for such a frame's tree, so frames whose text or structure changed pay it; style
/// changes (most animation) keep the incremental layout.
fn forget_layout(doc: &mut HtmlDocument) {
    let mut stack = vec![doc.root_node().id];
    while let Some(id) = stack.pop() {
        if let Some(node) = doc.get_node_mut(id) {
            node.invalidate_layout_cache();
            stack.extend(node.children.iter().copied());
            if let Some(children) = node.layout_children.borrow().as_ref() {
                stack.extend(children.iter().copied());
            }
        }
    }
}

/// The inline `color` the tree gave a node, if any (found through the mirror).
fn inline_color_of(mirror: &Mirror, node: NodeId) -> Option<String> {
    fn find(nodes: &[MirrorNode], node: NodeId) -> Option<Option<String>> {
        for n in nodes {
            if let MirrorNode::Element {
                id,
                style,
                children,
                ..
            } = n
            {
                if *id == node {
                    return Some(style.get("color").cloned());
                }
                if let Some(found) = find(children, node) {
                    return Some(found);
                }
            }
        }
        None
    }
    find(&mirror.children, node).flatten()
}

#[cfg(test)]
mod tests {
    use super::css_unescape;

    #[test]
    fn css_strings_unescape() {
        assert_eq!(css_unescape(r#"Brand \"X\""#), "Brand \"X\"");
        assert_eq!(css_unescape(r"A\a B\d C"), "A\nB\rC");
        assert_eq!(css_unescape(r"\31 23"), "123");
        assert_eq!(css_unescape(r"back\\slash"), r"back\slash");
        assert_eq!(css_unescape("plain"), "plain");
    }
}
