//! Kinema's render farm: Remotion Lambda's protocol (`../shared/reference/remotion-lambda.md`)
//! over two seams, so the same routines run embedded on one machine or on AWS.
//!
//! - [`bucket`]: the [`Bucket`] seam (put, get, ranged get, head, list, delete) and its embedded
//!   implementation, a folder on disk with atomic writes ([`DiskStorage`]);
//! - [`invoker`]: the [`Invoker`] seam (synchronous and fire-and-forget "Event" invocations of a
//!   named function with a JSON payload) and its embedded implementation, a pool of worker
//!   processes of the `kinema` binary ([`pool::WorkerPool`]) that run one invocation at a time
//!   and stay warm like Lambda containers, starting as many rendering invocations as the
//!   machine's memory holds by [`admission`]'s estimates;
//! - [`function`]: the one function, dispatching on the payload's `type` to the routines
//!   `info`, `start`, `launch`, `renderer`, `status`, `still` and `compositions`;
//! - [`plan`] (from the encode stage), [`progress`], [`status`] and [`cost`]: the protocol's
//!   formulas (chunk planning, `progress.json`, the progress object, prices);
//! - [`sites`]: projects uploaded to `sites/{name}/`, which renderers load from the bucket.

pub mod admission;
pub mod bucket;
pub mod client;
pub mod config;
pub mod cost;
pub mod embedded;
pub mod error;
pub mod function;
pub mod invoker;
pub mod payload;
pub mod pool;
pub mod progress;
pub mod props;
mod routines;
pub mod sites;
pub mod soundtrack;
pub mod status;
pub mod util;
pub mod webhook;
pub mod worker;

pub use bucket::{Bucket, BucketError, DiskBucket, DiskStorage, ObjectInfo, PutOptions, Storage};
pub use config::{FarmConfig, PROTOCOL_VERSION};
pub use embedded::{EmbeddedFarm, WorkerCommand};
pub use error::FarmError;
pub use invoker::{InvocationType, InvokeError, Invoker};
pub use kinema_encode::plan;
/// Frame-rate limits (the HTTP API checks requests against them): the slowest video, the
/// fastest GIF.
pub use kinema_encode::{MAX_GIF_FPS, MIN_FPS};
pub use pool::{PoolOptions, WorkerPool};
pub use routines::status::render_progress;
