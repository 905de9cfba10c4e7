//! An officer's browser, as far as the console API sees one: the session
//! cookie it was given, the CSRF token, and this server as its origin.

use reqwest::header::{COOKIE, ORIGIN, SET_COOKIE};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use taoli_upstream::db::console::Actor;
use taoli_upstream::officer::Role;

use super::Harness;

/// The password every test account gets.
pub const PASSWORD: &str = "county2027pass";

pub struct Browser<'h> {
    pub h: &'h Harness,
    pub cookie: String,
    pub csrf: String,
}

impl Harness {
    /// Registers `school` under `county` as the operator.
    pub fn register(&self, school: &str, name: &str, county: &str) {
        let (school, name, county) = (school.to_owned(), name.to_owned(), county.to_owned());
        self.with_db(move |db| {
            db.register_school(&Actor::operator(), &school, &name, &county)
                .unwrap()
        });
    }

    /// Adds an account as the operator, with [`PASSWORD`].
    pub fn officer(&self, username: &str, org: &str, role: Role) {
        let (username, org) = (username.to_owned(), org.to_owned());
        self.with_db(move |db| {
            db.add_officer(
                &Actor::operator(),
                &username,
                "测试干部",
                &org,
                role,
                PASSWORD,
            )
            .unwrap()
        });
    }

    pub async fn post_login(&self, username: &str, password: &str) -> Response {
        self.client
            .post(self.url("/console/api/login"))
            .json(&json!({ "username": username, "password": password }))
            .send()
            .await
            .unwrap()
    }

    /// Signs in with [`PASSWORD`].
    pub async fn sign_in(&self, username: &str) -> Browser<'_> {
        let response = self.post_login(username, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::OK);
        let cookie = response
            .headers()
            .get(SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let body: Value = response.json().await.unwrap();
        Browser {
            h: self,
            cookie,
            csrf: body["csrf"].as_str().unwrap().to_owned(),
        }
    }
}

impl Browser<'_> {
    pub async fn get(&self, path: &str) -> Response {
        self.h
            .client
            .get(self.h.url(path))
            .header(COOKIE, &self.cookie)
            .send()
            .await
            .unwrap()
    }

    pub async fn get_json(&self, path: &str) -> Value {
        let response = self.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        response.json().await.unwrap()
    }

    /// A change, as the console app sends it: cookie, token, same origin.
    pub async fn post(&self, path: &str, body: Value) -> Response {
        self.h
            .client
            .post(self.h.url(path))
            .header(COOKIE, &self.cookie)
            .header("x-csrf-token", &self.csrf)
            .header(ORIGIN, self.h.server.url())
            .json(&body)
            .send()
            .await
            .unwrap()
    }
}
