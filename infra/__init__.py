"""Infrastructure for Aduan: CloudFormation rendering and the local stack."""
