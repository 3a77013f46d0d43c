"""The API gateway in front of every service: routing by port, authentication (IAM tokens and
AK/SK signatures), injected faults and the request log."""
