// GitHub's runners do not set NODE_EXTRA_CA_CERTS; this machine does, and it costs about 30 ms per
// Node start. Every process a benchmark starts inherits this process's environment.
delete process.env.NODE_EXTRA_CA_CERTS;
