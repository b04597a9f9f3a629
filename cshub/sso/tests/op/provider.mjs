// A real OpenID Provider for the sign-in tests: panva's certified oidc-provider with one
// static client (CSHub) and test accounts, on 127.0.0.1 and the port given.
//
//   node cshub/sso/tests/op/provider.mjs PORT REDIRECT_URI
//
// Its login page is a plain form (login, password); a right password finishes the
// interaction with the account's `amr` and a grant for the scopes asked, so there is no
// consent page. Test data only: nothing here is a secret.
import http from "node:http";

import Provider from "oidc-provider";

const [port, redirectUri] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

const ACCOUNTS = {
  "mfa.user": {
    password: "op-test-password",
    amr: ["pwd", "mfa"],
    claims: { sub: "op-sub-mfa", email: "mfa.user@council.example", name: "Mfa User", oid: "oid-0001" },
  },
  "pwd.user": {
    password: "op-test-password",
    amr: ["pwd"],
    claims: { sub: "op-sub-pwd", email: "pwd.user@council.example", name: "Pwd User", oid: "oid-0002" },
  },
};

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: "cshub",
      client_secret: "cshub-test-secret",
      redirect_uris: [redirectUri],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_post",
    },
  ],
  // amr with the openid scope: in the ID token, as Entra ID sends it.
  claims: { openid: ["sub", "amr"], email: ["email", "email_verified"], profile: ["name", "oid"] },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  pkce: { required: () => true },
  cookies: { keys: ["cshub-op-test-cookie-key"] },
  async findAccount(ctx, id) {
    const account = Object.values(ACCOUNTS).find((a) => a.claims.sub === id);
    return account && { accountId: id, claims: async () => ({ ...account.claims }) };
  },
});

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function form(uid, error) {
  return `<!doctype html><html><body><h1>Test provider: sign in</h1>${error ? `<p>${escape(error)}</p>` : ""}
<form method="post" action="/interaction/${escape(uid)}/login">
<input name="login"><input name="password" type="password"><button>Sign in</button></form></body></html>`;
}

async function body(req) {
  let data = "";
  for await (const chunk of req) data += chunk;
  return new URLSearchParams(data);
}

const callback = provider.callback();
http
  .createServer(async (req, res) => {
    const match = /^\/interaction\/([^/?]+)(\/login)?/.exec(req.url);
    if (!match) return callback(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      if (!match[2]) {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        return res.end(form(details.uid));
      }
      const fields = await body(req);
      const account = ACCOUNTS[fields.get("login")];
      if (!account || account.password !== fields.get("password")) {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        return res.end(form(details.uid, "Wrong login or password"));
      }
      const accountId = account.claims.sub;
      const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
      grant.addOIDCScope(details.params.scope);
      const grantId = await grant.save();
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId, amr: account.amr }, consent: { grantId } },
        { mergeWithLastSubmission: false },
      );
    } catch (err) {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(err));
    }
  })
  .listen(Number(port), "127.0.0.1", () => process.stdout.write(`listening ${issuer}\n`));
