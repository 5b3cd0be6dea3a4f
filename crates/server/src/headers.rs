//! Security headers on every HTML answer: our origin runs only our code, is framed only where we allow it,
//! and tells nobody where its visitors came from.

use axum::body::Body;
use axum::http::{header, HeaderValue, Request};
use axum::middleware::Next;
use axum::response::Response;

/// What the HTML pages may do.
#[derive(Clone, Debug)]
pub struct PagePolicy {
    /// The app: framed by nobody.
    app: HeaderValue,
    /// `/embed/`: framed only by the department sites allowed to call the API.
    embed: HeaderValue,
    /// `Strict-Transport-Security`, when the server is reached over HTTPS (directly or through a proxy).
    hsts: Option<HeaderValue>,
}

/// Scripts from our origin only, plus compiling our wasm; no plugins; no `<base>` tricks.
const SCRIPTS: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'";

impl PagePolicy {
    pub fn new(allow_origins: &[String], https: bool) -> Self {
        let origins: Vec<&str> = allow_origins
            .iter()
            .map(|origin| origin.trim_end_matches('/'))
            // An origin is a scheme, host and port: anything else could end the directive early.
            .filter(|origin| origin.chars().all(|c| c.is_ascii_alphanumeric() || ":/.-[]".contains(c)))
            .collect();
        let embed = format!("{SCRIPTS}; frame-ancestors 'self' {}", origins.join(" "));
        Self {
            app: HeaderValue::from_str(&format!("{SCRIPTS}; frame-ancestors 'none'"))
                .unwrap_or_else(|_| HeaderValue::from_static(SCRIPTS)),
            embed: HeaderValue::from_str(embed.trim_end()).unwrap_or_else(|_| HeaderValue::from_static(SCRIPTS)),
            hsts: https.then(|| HeaderValue::from_static("max-age=31536000; includeSubDomains")),
        }
    }
}

fn is_html(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("text/html"))
}

pub async fn secure_pages(
    axum::extract::State(policy): axum::extract::State<PagePolicy>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let embedded = request.uri().path().starts_with("/embed/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    if let Some(hsts) = &policy.hsts {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, hsts.clone());
    }
    if !is_html(&response) {
        return response;
    }
    let headers = response.headers_mut();
    if embedded {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy.embed.clone());
    } else {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy.app.clone());
        // For browser cores without frame-ancestors.
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    response
}

/// Written beside a static export: the same headers, for the web server that hosts it.
pub const STATIC_HOST_ADVICE: &str = r#"信诺 Xinnuo — 静态站点的安全响应头 / security headers for the static site

请让托管本目录的网站对 HTML 页面发送以下响应头（与 xinnuo-server 相同），并只通过 HTTPS 提供。
Have the web server that hosts this folder send these headers (as xinnuo-server does), over HTTPS only.

# nginx (server { … })
add_header Content-Security-Policy "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'" always;
add_header X-Frame-Options "DENY" always;
add_header Referrer-Policy "no-referrer" always;
add_header X-Content-Type-Options "nosniff" always;
add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;
types { application/wasm wasm; }
# The app is index.html alone (its routes are in the #fragment): any other missing path is a 404.
error_page 404 /404.html;
# Every file has FILE.br and FILE.gz beside it: send them to browsers that accept them.
gzip_static on;      # ngx_http_gzip_static_module
brotli_static on;    # the ngx_brotli module, where it is installed

# Apache (.htaccess or <Directory>, mod_headers)
Header always set Content-Security-Policy "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
Header always set X-Frame-Options "DENY"
Header always set Referrer-Policy "no-referrer"
Header always set X-Content-Type-Options "nosniff"
Header always set Strict-Transport-Security "max-age=31536000; includeSubDomains"
AddType application/wasm .wasm
ErrorDocument 404 /404.html
# Every file has FILE.br and FILE.gz beside it: send them to browsers that accept them (mod_rewrite).
RewriteEngine On
RewriteCond "%{HTTP:Accept-Encoding}" "br"
RewriteCond "%{REQUEST_FILENAME}.br" -f
RewriteRule "^(.+)$" "$1.br" [QSA]
RewriteCond "%{HTTP:Accept-Encoding}" "gzip"
RewriteCond "%{REQUEST_FILENAME}.gz" -f
RewriteRule "^(.+)$" "$1.gz" [QSA]
RewriteRule "\.(js|mjs)\.(br|gz)$" "-" [T=text/javascript,E=no-gzip:1,E=no-brotli:1]
RewriteRule "\.wasm\.(br|gz)$" "-" [T=application/wasm,E=no-gzip:1,E=no-brotli:1]
RewriteRule "\.html\.(br|gz)$" "-" [T=text/html,E=no-gzip:1,E=no-brotli:1]
RewriteRule "\.json\.(br|gz)$" "-" [T=application/json,E=no-gzip:1,E=no-brotli:1]
RewriteRule "\.css\.(br|gz)$" "-" [T=text/css,E=no-gzip:1,E=no-brotli:1]
<FilesMatch "\.br$">
  Header set Content-Encoding br
  Header append Vary Accept-Encoding
</FilesMatch>
<FilesMatch "\.gz$">
  Header set Content-Encoding gzip
  Header append Vary Accept-Encoding
</FilesMatch>
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embed_may_be_framed_only_by_allowed_origins() {
        let policy = PagePolicy::new(&["https://dept.example.gov.cn/".into(), "https://x; script-src *".into()], false);
        let embed = policy.embed.to_str().unwrap();
        assert!(embed.ends_with("frame-ancestors 'self' https://dept.example.gov.cn"), "{embed}");
        assert!(!embed.contains("script-src *"), "a malformed origin cannot add directives");
        assert!(policy.app.to_str().unwrap().contains("frame-ancestors 'none'"));
        assert!(policy.hsts.is_none());
        assert!(PagePolicy::new(&[], true).hsts.is_some());
    }

    #[test]
    fn the_static_advice_sends_the_same_policy_as_the_server() {
        let app = PagePolicy::new(&[], false).app;
        let policy = app.to_str().unwrap();
        assert_eq!(STATIC_HOST_ADVICE.matches(policy).count(), 2, "nginx and Apache lines carry {policy}");
    }
}
