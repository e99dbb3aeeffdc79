from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("profil/", views.profile, name="profile"),
    path("benachrichtigungen/", views.notifications, name="notifications"),
    path("loeschen/", views.delete_account, name="delete"),
    path("meine-daten.json", views.download_data, name="download_data"),
    path("meine-daten.zip", views.download_data_zip, name="download_data_zip"),
]
