"""The groups' WorkMail API operations, on the services the Groups pages use."""
