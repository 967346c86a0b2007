"""The users' WorkMail API operations (and RegisterToWorkMail / DeregisterFromWorkMail for every
entity), on the services the Users pages use."""
