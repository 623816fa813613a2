"""Agency identity: bearer JWTs (Cognito-shaped, RS256 only) verified against a JWKS."""
