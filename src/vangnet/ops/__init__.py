"""Running Vangnet as a service: health and readiness, Prometheus metrics, JSON logs (issue 11)."""
