"""WorkMail API operations on an organization's settings: retention policy, tags and
availability configurations."""
