//! Registers a referral account (`hire.v1.referral_account.create`) for an
//! email address and prints its id:
//!
//! ```text
//! FEISHU_APP_ID=cli_xxx FEISHU_APP_SECRET=xxx cargo run --example referral_account -- EMAIL
//! ```
//!
//! `FEISHU_BASE_URL` sends to another host (default `https://open.feishu.cn`).
//! A failed call prints the error (code, message, log id) and, for a code
//! the page documents, the endpoint's error variant; the exit status is 1.

use std::env;
use std::process::ExitCode;

use feishu_api::hire::v1::referral_account::CreateReferralAccountRequest;
use feishu_runtime::{Client, FEISHU};

#[tokio::main]
async fn main() -> ExitCode {
    let (Some(email), Ok(app_id), Ok(app_secret)) = (
        env::args().nth(1),
        env::var("FEISHU_APP_ID"),
        env::var("FEISHU_APP_SECRET"),
    ) else {
        eprintln!("usage: FEISHU_APP_ID=… FEISHU_APP_SECRET=… referral_account EMAIL");
        return ExitCode::from(2);
    };
    let base_url = env::var("FEISHU_BASE_URL").unwrap_or_else(|_| FEISHU.to_owned());
    let client = match Client::builder(app_id, app_secret)
        .base_url(base_url)
        .build()
    {
        Ok(client) => client,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };

    let mut request = CreateReferralAccountRequest::new();
    request.email = Some(email);
    match client.call(&request).await {
        Ok(data) => {
            match data.account.and_then(|a| a.account_id) {
                Some(id) => println!("account id: {id}"),
                None => println!("registered; the answer has no account id"),
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            if let Some(kind) = e.kind() {
                eprintln!("documented as: {kind:?}");
            }
            ExitCode::FAILURE
        }
    }
}
