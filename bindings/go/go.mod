module passkey.dev/passkey

go 1.19
