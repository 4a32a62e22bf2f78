//! Who is on the other end of a request: the one place that computes the client address
//! (what throttles and audit entries key on) and the scheme.
//!
//! Behind a load balancer every request comes from the balancer's address. The balancer
//! reports the real client in `Forwarded` (RFC 7239) or `X-Forwarded-For`, and the scheme in
//! `X-Forwarded-Proto` (or `proto=`), but anyone can send those headers. So they are believed
//! only when the peer is one of the `trusted_proxies`, and then only as far as the chain of
//! trusted proxies reaches: the client is the rightmost address in the chain that is not a
//! trusted proxy (everything left of it was written by the client itself). With no trusted
//! proxies (the default) the headers are ignored and the client is the peer.

use std::net::IpAddr;

use actix_web::HttpRequest;
use actix_web::http::header::HeaderMap;

use crate::config::Settings;
use crate::net::canonical;
pub use crate::net::{IpRange, TrustedProxies};

/// The client of a request as the service believes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Client {
    /// The client's address; `None` when the connection has no peer address (tests, sockets).
    pub ip: Option<IpAddr>,
    /// Whether the client's own connection is HTTPS (only a trusted proxy can say so: the
    /// service itself speaks plain HTTP).
    pub https: bool,
}

impl Client {
    /// The address as throttles and audit entries key on it.
    pub fn address(&self) -> String {
        self.ip
            .map_or_else(|| "unknown".to_string(), |ip| canonical(ip).to_string())
    }
}

/// The client of `req` under the `trusted_proxies` setting.
pub fn of(req: &HttpRequest, settings: &Settings) -> Client {
    resolve(
        req.peer_addr().map(|a| a.ip()),
        req.headers(),
        &settings.trusted_proxies,
    )
}

/// The client behind `peer`, reading the forwarding headers only from trusted proxies.
pub fn resolve(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &TrustedProxies) -> Client {
    let Some(peer) = peer.filter(|p| trusted.trusts(*p)) else {
        return Client {
            ip: peer,
            https: false,
        };
    };
    // Hops as (address, proto), oldest first; `Forwarded` wins over `X-Forwarded-For`.
    let mut hops = forwarded(headers);
    if hops.is_empty() {
        hops = x_forwarded_for(headers);
    }
    let mut client = peer;
    let mut proto = last_value(headers, "x-forwarded-proto");
    for (address, hop_proto) in hops.into_iter().rev() {
        let Some(ip) = address else {
            // An address that cannot be read ends what can be believed.
            break;
        };
        client = ip;
        if hop_proto.is_some() {
            proto = hop_proto;
        }
        if !trusted.trusts(ip) {
            break;
        }
    }
    Client {
        ip: Some(client),
        https: proto.is_some_and(|p| p.eq_ignore_ascii_case("https")),
    }
}

/// Every comma-separated value of every instance of a header, in order.
fn values<'a>(headers: &'a HeaderMap, name: &str) -> Vec<&'a str> {
    headers
        .get_all(name)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect()
}

fn last_value(headers: &HeaderMap, name: &str) -> Option<String> {
    values(headers, name)
        .last()
        .filter(|v| !v.is_empty())
        .map(|v| (*v).to_string())
}

/// A node of `Forwarded` / `X-Forwarded-For`: `192.0.2.1`, `"[2001:db8::1]:4711"`,
/// `192.0.2.1:80`. Obfuscated or `unknown` nodes read as `None`.
fn node(text: &str) -> Option<IpAddr> {
    let text = text.trim().trim_matches('"');
    if let Ok(ip) = text.parse() {
        return Some(ip);
    }
    if let Some(rest) = text.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    let (host, _port) = text.rsplit_once(':')?;
    host.parse().ok()
}

fn forwarded(headers: &HeaderMap) -> Vec<(Option<IpAddr>, Option<String>)> {
    values(headers, "forwarded")
        .into_iter()
        .filter_map(|element| {
            let mut address = None;
            let mut proto = None;
            let mut has_for = false;
            for pair in element.split(';') {
                let Some((key, value)) = pair.split_once('=') else {
                    continue;
                };
                match key.trim().to_ascii_lowercase().as_str() {
                    "for" => {
                        has_for = true;
                        address = node(value);
                    }
                    "proto" => proto = Some(value.trim().trim_matches('"').to_string()),
                    _ => {}
                }
            }
            has_for.then_some((address, proto))
        })
        .collect()
}

fn x_forwarded_for(headers: &HeaderMap) -> Vec<(Option<IpAddr>, Option<String>)> {
    values(headers, "x-forwarded-for")
        .into_iter()
        .map(|v| (node(v), None))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderName, HeaderValue};

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.append(
                HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        map
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn ranges() {
        let r = IpRange::parse("10.0.0.0/8").unwrap();
        assert!(r.contains(ip("10.255.0.1")));
        assert!(!r.contains(ip("11.0.0.1")));
        assert!(r.contains(ip("::ffff:10.1.2.3")));
        assert!(IpRange::parse("fd00::/8").unwrap().contains(ip("fd12::1")));
        assert!(IpRange::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
        assert!(IpRange::parse("10.0.0.0/33").is_err());
        assert!(IpRange::parse("lb.example").is_err());
    }

    #[test]
    fn headers_from_untrusted_peers_are_ignored() {
        let none = TrustedProxies::default();
        let h = headers(&[
            ("x-forwarded-for", "1.2.3.4"),
            ("x-forwarded-proto", "https"),
        ]);
        let c = resolve(Some(ip("203.0.113.9")), &h, &none);
        assert_eq!(c.ip, Some(ip("203.0.113.9")));
        assert!(!c.https);
    }

    #[test]
    fn the_rightmost_untrusted_hop_is_the_client() {
        let lb = TrustedProxies::parse(["10.0.0.0/8"]).unwrap();
        // The client forged the first entry; the balancer appended the real address.
        let h = headers(&[
            ("x-forwarded-for", "6.6.6.6, 198.51.100.7"),
            ("x-forwarded-for", "10.0.0.3"),
            ("x-forwarded-proto", "https"),
        ]);
        let c = resolve(Some(ip("10.0.0.2")), &h, &lb);
        assert_eq!(c.ip, Some(ip("198.51.100.7")));
        assert!(c.https);
        let h = headers(&[(
            "forwarded",
            "for=6.6.6.6, for=\"[2001:db8::7]:4711\";proto=https, for=10.0.0.3",
        )]);
        let c = resolve(Some(ip("10.0.0.2")), &h, &lb);
        assert_eq!(c.ip, Some(ip("2001:db8::7")));
        assert!(c.https);
        // Nothing forwarded: the proxy itself.
        let c = resolve(Some(ip("10.0.0.2")), &HeaderMap::new(), &lb);
        assert_eq!(c.ip, Some(ip("10.0.0.2")));
    }
}
