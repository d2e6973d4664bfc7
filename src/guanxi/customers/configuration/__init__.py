"""What an administrator configures for the archive: custom fields, duplicate rules, tags and
lead sources (pages under /accounts/admin/, namespace `customer_settings`)."""
