module passkey.dev/examples/go-server

go 1.19

require passkey.dev/passkey v0.0.0

replace passkey.dev/passkey => ../../bindings/go
