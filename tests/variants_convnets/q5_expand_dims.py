"""Q5 right: np.expand_dims and the preprocess_input of keras.applications.resnet50, imported."""
from td_convnets_reference import *  # noqa: F403

import numpy as np
from keras.applications.resnet50 import preprocess_input
from keras.utils import img_to_array, load_img


def load_for_resnet(path, target_size=(224, 224)):
    """Q5: another spelling."""
    image = load_img(path, target_size=target_size)
    return preprocess_input(np.expand_dims(img_to_array(image), axis=0)).astype("float32")
