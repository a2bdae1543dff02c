"""Real secret formats (synthetic values with the real shapes) and texts that carry them."""

from __future__ import annotations

#: One example of each real secret format (synthetic values with the real shapes).
CORPUS = {
    "aws-access-key-id": "AKIAIOSFODNN7EXAMPLE",
    "github-token": "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
    "github-fine-grained": "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRS",
    "gitlab-token": "glpat-" + "xY3kP9mQ2wL7vN4bR8tZ",
    "slack-token": "xoxb-" + "1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx",
    "slack-webhook": "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
    "openai-key": "sk-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z",
    "anthropic-key": "sk-ant-api03-" + "Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe",
    "stripe-key": "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc",
    "google-api-key": "AIza" + "SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY",
    "npm-token": "npm_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
    "pypi-token": "pypi-" + "AgEIcHlwaS5vcmcCJGE0ZjY2ZjE2LTk3YzUtNDYxNy1iMTc4LTNmMjZmZjJkZTQ1YQ",
    "huggingface-token": "hf_" + "aBcDeFgHiJkLmNoPqRsTuVwXyZ012345678",
    "jwt": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "pem": "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq\nabcdEFGH1234\n-----END RSA PRIVATE KEY-----",
    "url-password": "s3cr3tPassw0rd",
    "bearer": "Q2xhdWRlU2VjcmV0VG9rZW4xMjM0NTY3",
    "high-entropy": "Zk9xR2tLp7Qw3Ev8Ty1Ui6Op0As5Df4G",
    "azure-account-key": "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
}


def _contexts(name: str, secret: str) -> list[str]:
    if name == "url-password":
        return [f"postgres://admin:{secret}@db.internal:5432/app"]
    if name == "bearer":
        return [f"Authorization: Bearer {secret}", f"curl -H 'Authorization: Bearer {secret}'"]
    if name == "azure-account-key":
        return [
            f"DefaultEndpointsProtocol=https;AccountName=x;AccountKey={secret};EndpointSuffix=core"
        ]
    return [secret, f"please use {secret} for the call", f"token={secret}"]
