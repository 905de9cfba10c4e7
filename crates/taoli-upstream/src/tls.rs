//! HTTPS of the upstream's own (`serve --tls-cert FILE --tls-key FILE`):
//! rustls with the aws-lc-rs provider (the one reqwest already brings into
//! the workspace), TLS 1.2 and 1.3, HTTP/1.1. The accept loop
//! (`server.rs`) hands every accepted connection to [`Tls::accept`] before
//! hyper reads a byte; a handshake that does not finish in
//! [`HANDSHAKE_TIMEOUT`] (or is plain HTTP) closes the connection.
//!
//! Behind a reverse proxy that ends TLS (nginx, Caddy:
//! `docs/upstream-deploy.md`) the upstream serves plain HTTP on 127.0.0.1
//! and needs none of this.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rustls::ServerConfig;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

use crate::error::{Error, Result};

/// How long a client has to finish the TLS handshake.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Where the certificate chain and its private key are (PEM files).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// The certificate, then any intermediates (PEM).
    pub cert: PathBuf,
    /// The certificate's private key (PEM: PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
}

/// A server's TLS, ready to accept connections.
#[derive(Clone)]
pub struct Tls {
    acceptor: TlsAcceptor,
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tls").finish_non_exhaustive()
    }
}

impl Tls {
    /// Reads the certificate chain and key, and checks they belong together.
    pub fn load(files: &TlsFiles) -> Result<Tls> {
        let chain = read_chain(&files.cert)?;
        let key = PrivateKeyDer::from_pem_file(&files.key).map_err(|e| Error::Tls {
            what: "私钥",
            path: files.key.clone(),
            detail: e.to_string(),
        })?;
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::Tls {
                what: "证书",
                path: files.cert.clone(),
                detail: e.to_string(),
            })?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| Error::Tls {
                what: "证书",
                path: files.cert.clone(),
                detail: e.to_string(),
            })?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Tls {
            acceptor: TlsAcceptor::from(Arc::new(config)),
        })
    }

    /// The TLS handshake on an accepted connection, within
    /// [`HANDSHAKE_TIMEOUT`]; None when it fails (a plain-HTTP client, a
    /// client that does not trust the certificate, a stalled one).
    pub async fn accept<S>(&self, stream: S) -> Option<TlsStream<S>>
    where
        S: AsyncRead + AsyncWrite + Unpin,
    {
        match tokio::time::timeout(HANDSHAKE_TIMEOUT, self.acceptor.accept(stream)).await {
            Ok(Ok(stream)) => Some(stream),
            Ok(Err(_)) | Err(_) => None,
        }
    }
}

fn read_chain(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let error = |detail: String| Error::Tls {
        what: "证书",
        path: path.to_owned(),
        detail,
    };
    let chain = CertificateDer::pem_file_iter(path)
        .map_err(|e| error(e.to_string()))?
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| error(e.to_string()))?;
    if chain.is_empty() {
        return Err(error("文件中没有证书".to_owned()));
    }
    Ok(chain)
}
