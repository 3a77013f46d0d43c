"""The SMSApi send API: sending, status reports, uplink, rate limits, usage and billing."""
