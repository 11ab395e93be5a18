"""A Heroku-style buildpack for Python apps whose cache never lies."""
