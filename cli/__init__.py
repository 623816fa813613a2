"""Developer tooling for Aduan (never packaged into the Lambda: lives outside ``chalicelib``)."""
