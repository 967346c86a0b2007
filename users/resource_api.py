"""The resources' WorkMail API operations, on the services the Resources pages use."""
