# No input variables: an environment's settings are the locals in settings.tf, changed by pull
# request and planned as they are (.github/workflows/terraform.yml passes no -var files).
