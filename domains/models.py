"""Mail domains and the emulated Route 53 arrive with the domains issue; the test domain lives on
the organization (Organization.test_domain) until then."""
