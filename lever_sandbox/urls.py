app_name = "lever_sandbox"
urlpatterns = []
