"""WorkMail API operations shared by users, groups and resources: aliases and mailbox
permissions."""
