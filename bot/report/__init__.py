"""`bot report`: one HTML page for the people who run the assistant."""
