"""What every page of every audience shares: templates, forms, cookies, CSRF and security headers,
language, the visitor's values, the route guard and rendering."""
