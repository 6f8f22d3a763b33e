//! An HTTP/1.1 server (hyper) on a loopback port of its own, answering every request with a
//! handler; on a runtime of its own, stopped when dropped.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::service::service_fn;
use hyper::{Response, StatusCode};
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

/// What a handler is given: the method, the path and the body of the request.
pub struct Asked {
    pub method: String,
    pub path: String,
    pub body: Vec<u8>,
}

type Handler = dyn Fn(&Asked) -> (u16, Vec<u8>) + Send + Sync;

pub struct Server {
    addr: SocketAddr,
    hits: Arc<Mutex<u32>>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Server {
    /// Listens on 127.0.0.1, an unused port.
    pub fn start(handler: impl Fn(&Asked) -> (u16, Vec<u8>) + Send + Sync + 'static) -> Server {
        let handler: Arc<Handler> = Arc::new(handler);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let hits = Arc::new(Mutex::new(0_u32));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let h = Arc::clone(&hits);
        runtime.spawn(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let (handler, h) = (Arc::clone(&handler), Arc::clone(&h));
                tokio::spawn(async move {
                    let service = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                        let (handler, h) = (Arc::clone(&handler), Arc::clone(&h));
                        async move {
                            *h.lock().unwrap() += 1;
                            let method = req.method().to_string();
                            let path = req.uri().path().to_owned();
                            let body = req.into_body().collect().await.unwrap().to_bytes().to_vec();
                            let asked = Asked { method, path, body };
                            let (status, body) = if asked.path == "/slow" {
                                tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                                (200, Vec::new())
                            } else {
                                tokio::task::spawn_blocking(move || handler(&asked))
                                    .await
                                    .unwrap()
                            };
                            Ok::<_, Infallible>(
                                Response::builder()
                                    .status(StatusCode::from_u16(status).unwrap())
                                    .body(Full::new(Bytes::from(body)))
                                    .unwrap(),
                            )
                        }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Server {
            addr,
            hits,
            runtime: Some(runtime),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn hits(&self) -> u32 {
        *self.hits.lock().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}
