"""The mail domains' WorkMail API operations, on the services the Domains pages use."""
