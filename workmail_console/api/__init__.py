"""The WorkMail JSON API: `POST /` with `X-Amz-Target: WorkMailService.<Operation>`, SigV4-signed.

The apps that own the services register the operations (workmail_console.api.registry); this
package authenticates the call, validates its body against WorkMail's own service model, runs the
operation and answers in AWS JSON 1.1.
"""
