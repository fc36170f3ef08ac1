//! `compositions` (reference §9.3): the site's compositions with their resolved metadata.

use kinema_compose::{Engine, Limits};
use serde_json::{Value, json};

use crate::error::FarmError;
use crate::function::Context;
use crate::payload::{CompositionsPayload, parse};

pub fn run(context: &mut Context<'_>, payload: &Value) -> Result<Value, FarmError> {
    let request: CompositionsPayload = parse(payload)?;
    context.check_version("getCompositionsOnLambda()", request.version.as_deref())?;
    let bucket = context.bucket_or_default(request.bucket_name.as_deref())?;
    let props = request.input_props.resolve(context.storage)?;
    let site = super::load_site(context.storage, &request.serve_url, bucket.name())?;
    let bundle = crate::sites::bundle(
        &site,
        &props,
        &request.env_variables,
        context.config.fetch_private_addresses,
    )?;
    let compositions = Engine::new(bundle, Limits::default())?.compositions(&props)?;
    Ok(json!({"type": "success", "compositions": compositions}))
}
